// Dialing from HubSpot or the keypad, and the call permission a WhatsApp call needs first.
import { BrowserCall } from "./browser-call.js";
import { plainWords, clockTime, displayNumber, samePhone } from "./plain-words.js";
import { DIAL_REPEAT_WINDOW_MS, GRANTED_STATES, $, api, comms, state } from "./widget-state.js";
import { tellHubSpot, registerEngagement } from "./hubspot-link.js";
import { show, showError, clearError, fillParty } from "./screens.js";
import { failed } from "./sign-in.js";
import { hangUp, endCallLocally } from "./call.js";
import { onBoxEvent } from "./live-events.js";

export function selectedVia() {
  return document.querySelector('input[name="via"]:checked').value;
}

export function setDialTarget(number, contact) {
  state.dial.number = number;
  state.dial.contact = contact;
  $("dial-number").value = number;
  $("dial-contact").hidden = !contact;
  $("dial-contact").textContent = contact ? "HubSpot contact: " + (contact.name || "#" + contact.id) : "";
  comms.show(number || null, contact && contact.id);
}

export function dialNumberFromHubSpot(data) {
  const number = data.phoneNumber || data.phone_number || "";
  const callee = data.calleeInfo || {};
  const key = [number, callee.calleeId, data.startTimestamp].join("|");
  const now = Date.now();
  const target = (dialKey) => String(dialKey || "").split("|").slice(0, 2).join("|");
  const sameTarget = target(key) === target(state.dial.lastKey);
  if (key === state.dial.lastKey || (sameTarget && now - state.dial.lastAt < DIAL_REPEAT_WINDOW_MS)) return;
  state.dial.lastKey = key;
  state.dial.lastAt = now;
  if (!state.agent) {
    showError("Sign in first, then call " + number + ".");
    return;
  }
  if (state.call) {
    showError("Finish the current call before calling " + number + ".");
    return;
  }
  const contact = callee.calleeId ? { id: callee.calleeId, objectTypeId: callee.calleeObjectTypeId || "0-1", name: "" } : null;
  setDialTarget(number, contact);
  checkAndCall();
}

export function dialFromKeypad(event) {
  event.preventDefault();
  const number = $("dial-number").value.trim();
  if (!samePhone(number, state.dial.number)) setDialTarget(number, null);
  checkAndCall();
}

/** May this number be called now? Call it, or show what permission needs. */
export async function checkAndCall() {
  clearError();
  const number = state.dial.number;
  if (!number) {
    showError("Type a WhatsApp number first.");
    return;
  }
  $("dial-call").disabled = true;
  try {
    const status = await api.validatePermission(number);
    if (status.allowed) {
      await placeCall();
    } else if (status.state === "requested") {
      showPending(status, null);
    } else if (status.request && status.request.allowed) {
      $("request-who").textContent = number;
      show("permission-request");
    } else {
      showDenied((status.request && status.request.message) || status.message, status.request && status.request.next_allowed_at);
    }
  } catch (error) {
    failed(error);
  } finally {
    $("dial-call").disabled = false;
  }
}

export async function sendPermissionRequest() {
  clearError();
  $("request-send").disabled = true;
  try {
    const answer = await api.requestPermission(state.dial.number);
    showPending(answer, Date.now());
  } catch (error) {
    if (error.status === 422 && error.details.rule) showDenied(error.message, error.details.next_allowed_at);
    else failed(error);
  } finally {
    $("request-send").disabled = false;
  }
}

export function showPending(status, sentAtMs) {
  const sentEntry = (status.history || []).filter((entry) => entry.to === "requested").pop();
  const sentAt = sentAtMs || (sentEntry && sentEntry.at);
  $("pending-who").textContent = state.dial.number;
  $("pending-sent").textContent = sentAt ? "at " + clockTime(sentAt) : "";
  const lines = [];
  if (status.expires_at) lines.push("The request expires at " + clockTime(status.expires_at) + ".");
  if (status.request && !status.request.allowed && status.request.next_allowed_at) {
    lines.push("Another request can be sent after " + clockTime(status.request.next_allowed_at) + ".");
  }
  $("pending-expires").textContent = lines.join(" ");
  show("permission-pending");
}

export function showDenied(message, nextAllowedAt) {
  // The box's sentence ends with the time in UTC; the line below says it in the agent's clock.
  const rule = (message || "").replace(/\s*Next allowed at .*$/, "");
  $("denied-message").textContent = rule || "WhatsApp does not allow calling this number now.";
  $("denied-next").textContent = nextAllowedAt
    ? "A new request can be sent after " + clockTime(nextAllowedAt) + "."
    : "";
  show("permission-denied");
}

export function permissionChanged(data) {
  if (state.screen !== "permission-pending" || !samePhone(data.phone, state.dial.number)) return;
  if (GRANTED_STATES.has(data.state)) {
    placeCall().catch(failed);
  } else if (data.state === "rejected" || data.state === "revoked") {
    checkAndCall();
  }
}

export function newCall(fields) {
  return {
    id: null, externalCallId: crypto.randomUUID(), engagementId: null, media: null, muted: false,
    contact: null, callerName: "", startedAt: Date.now(), answeredAt: null, endedAt: null,
    finished: false, hangupRequested: false, answeredHere: false, ...fields,
  };
}

export async function placeCall() {
  if (state.call) return;
  const via = selectedVia();
  const call = newCall({ direction: "outbound", remote: state.dial.number, contact: state.dial.contact, via });
  state.call = call;
  fillParty("dialing", call);
  $("dialing-step").textContent = via === "browser" ? "Opening the microphone…" : "Ringing the desk handset line…";
  show("dialing");
  try {
    let sdp = null;
    if (via === "browser") {
      call.media = new BrowserCall($("remote-audio"));
      sdp = await call.media.offer();
    }
    if (call.hangupRequested) return endCallLocally("CANCELED");
    $("dialing-step").textContent = "Calling on WhatsApp…";
    const answer = await api.initiateCall(call.remote, via, sdp, call.contact && call.contact.id);
    call.id = answer.call;
    tellHubSpot("outgoingCall", {
      externalCallId: call.externalCallId,
      fromNumber: (state.config && state.config.business_number) || "",
      toNumber: call.remote,
      callStartTime: call.startedAt,
      createEngagement: true,
    });
    if (call.engagementId) registerEngagement(call);
    if (call.hangupRequested) return hangUp();
    $("dialing-step").textContent = "Ringing on their phone…";
    replayEarly();
  } catch (error) {
    if (state.call === call) {
      call.media && call.media.close();
      state.call = null;
      if (error.status === 422 && error.details.rule) showDenied(error.message, error.details.next_allowed_at);
      else {
        show("keypad");
        failed(error);
        // The agent may have clicked to call in HubSpot: HubSpot shows this as its own alert.
        tellHubSpot("sendError", { message: "WhatsApp call to " + displayNumber(call.remote) + " failed: " + plainWords(error) });
      }
    }
  }
}

export function replayEarly() {
  const early = state.early;
  state.early = [];
  for (const [type, data] of early) onBoxEvent(type, data);
}
