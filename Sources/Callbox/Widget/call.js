// The call in progress: its states, Meta's answer, hanging up, mute and keypad tones.
import { plainWords, displayNumber, duration, samePhone } from "./plain-words.js";
import { FINAL_STATES, META_CALL_PREFIX, NO_TONES, $, api, state } from "./widget-state.js";
import { tellHubSpot } from "./hubspot-link.js";
import { show, showError, partyName, fillParty, renderCalling } from "./screens.js";
import { announceIncoming, decline, leaveIncoming } from "./incoming.js";

/**
 * Is this event about our call? The box names an outbound call by its own key until Meta's
 * answer to `connect` names it (`wacid.…`); from then on events carry Meta's name, so it is adopted.
 */
export function isOurCall(call, data) {
  if (data.call === call.id) return true;
  const renamed = call.direction === "outbound" && !String(call.id).startsWith(META_CALL_PREFIX)
    && String(data.call).startsWith(META_CALL_PREFIX) && (data.remote === undefined || samePhone(data.remote, call.remote));
  if (renamed) call.id = data.call;
  return renamed;
}

export function callState(data) {
  const call = state.call;
  if (!call || call.finished) return;
  if (!call.id) {
    if (call.direction === "outbound") remember("call.state", data);
    return;
  }
  if (!isOurCall(call, data)) return;
  if (state.screen === "incoming" && !call.answeredHere) {
    if (data.state === "answering" || data.state === "active") {
      const who = data.answered_by === "handset" ? "on the desk handset" : data.agent ? "by " + data.agent : "elsewhere";
      leaveIncoming("CANCELED");
      showError("The call from " + displayNumber(call.remote) + " was answered " + who + ".");
    } else if (FINAL_STATES.has(data.state)) {
      leaveIncoming("MISSED");
      showError("Missed call from " + displayNumber(call.remote) + ".");
    }
    return;
  }
  if (data.state === "active" && !call.answeredAt) {
    call.answeredAt = data.at_ms && data.at_ms <= Date.now() ? data.at_ms : Date.now();
    if (call.direction === "inbound" && !call.announced) announceIncoming(call);
    tellHubSpot("callAnswered", { externalCallId: call.externalCallId });
    renderCalling();
    if (state.screen !== "calling") show("calling");
  } else if (FINAL_STATES.has(data.state)) {
    call.metaErrors = data.meta_errors || [];
    endCallLocally(endStatus(call, data.state));
  }
}

export function endStatus(call, boxState) {
  if (call.answeredAt) return "COMPLETED";
  if (call.hangupRequested) return "CANCELED";
  if (boxState === "failed") return "FAILED";
  if (boxState === "rejected") return "BUSY";
  return "NO_ANSWER";
}

export function remember(type, data) {
  state.early.push([type, data]);
}

export function answerSdp(data) {
  const call = state.call;
  if (!call) return;
  if (!call.id) return remember("call.answer_sdp", data);
  if (!isOurCall(call, data) || !call.media) return;
  call.media.applyAnswer(data.sdp).catch((error) => showError("The call's audio could not be set up: " + error.message));
}

export async function hangUp() {
  const call = state.call;
  if (!call || call.finished) return;
  if (state.screen === "incoming") return decline();
  call.hangupRequested = true;
  if (!call.id) return;
  try {
    await api.endCall(call.id);
  } catch (error) {
    if (error.status !== 404 && error.status !== 409) showError(plainWords(error));
  }
  endCallLocally(endStatus(call, "ended"));
}

/** The call is over here: media off, HubSpot told, the notes screen shown. */
export function endCallLocally(callEndStatus) {
  const call = state.call;
  if (!call || call.finished) return;
  call.finished = true;
  call.endedAt = Date.now();
  call.endStatus = callEndStatus;
  call.media && call.media.close();
  tellHubSpot("callEnded", { externalCallId: call.externalCallId, engagementId: call.engagementId || undefined, callEndStatus });
  if (callEndStatus === "FAILED" && call.direction === "outbound") {
    tellHubSpot("sendError", { message: "WhatsApp could not connect the call to " + displayNumber(call.remote) + "." });
  }
  fillParty("ended", call);
  const talked = call.answeredAt ? call.endedAt - call.answeredAt : 0;
  $("ended-summary").textContent = (call.direction === "inbound" ? "Incoming" : "Outgoing") + " call, "
    + (call.answeredAt ? "talked " + duration(talked) : "not answered") + ".";
  $("ended-outcome").value = call.answeredAt ? "f240bbac-87c9-4f6e-bf70-924b57d47db7"
    : callEndStatus === "BUSY" ? "9d9162e7-6cf3-4944-bf63-4dff82258764" : "73a0d17f-1163-4015-bdd5-ec830791da20";
  $("ended-notes").value = "";
  // Meta's own words for what went wrong, as it reported them.
  const metaErrors = call.metaErrors || [];
  $("ended-meta-error").hidden = metaErrors.length === 0;
  $("ended-meta-error").textContent = metaErrors.length ? "WhatsApp said: " + metaErrors.join("; ") : "";
  show("ended");
}

export async function saveEnded(event) {
  event.preventDefault();
  const call = state.call;
  if (!call) return;
  const talked = call.answeredAt ? call.endedAt - call.answeredAt : 0;
  const properties = {
    hs_call_title: "WhatsApp call " + (call.direction === "inbound" ? "from " : "to ") + (partyName(call) || displayNumber(call.remote)),
    hs_call_body: $("ended-notes").value,
    hs_call_duration: String(talked),
    hs_call_status: call.endStatus,
    hs_call_direction: call.direction === "inbound" ? "INBOUND" : "OUTBOUND",
    hs_call_disposition: $("ended-outcome").value,
    hs_timestamp: call.startedAt,
  };
  properties[call.direction === "inbound" ? "hs_call_from_number" : "hs_call_to_number"] = displayNumber(call.remote);
  if (call.contact && call.contact.id) properties.hs_call_callee_object_id = String(call.contact.id);
  tellHubSpot("callCompleted", {
    externalCallId: call.externalCallId,
    engagementId: call.engagementId || undefined,
    hideWidget: false,
    engagementProperties: properties,
  });
  // The notes are final: HubSpot may now publish the engagement (SDK 0.9.4's finalizeEngagement).
  if (call.engagementId) tellHubSpot("finalizeEngagement", { externalCallId: call.externalCallId, engagementId: call.engagementId });
  $("ended-save").disabled = true;
  try {
    if (call.id) await api.reportCompleted(call.id, call.engagementId);
  } catch (error) {
    showError(plainWords(error));
  } finally {
    $("ended-save").disabled = false;
  }
  state.call = null;
  show("keypad");
}

export async function toggleMute() {
  const call = state.call;
  if (!call || state.screen !== "calling") return;
  const muted = !call.muted;
  try {
    if (call.via === "handset") await api.setMuted(call.id, muted);
    else call.media && call.media.setMuted(muted);
    call.muted = muted;
    renderCalling();
  } catch (error) {
    showError(plainWords(error));
  }
}

export async function sendTone(digit) {
  const call = state.call;
  if (!call || state.screen !== "calling") return;
  try {
    if (call.via === "handset") await api.sendDigits(call.id, digit);
    else if (!call.media || !call.media.sendDigits(digit)) showError(NO_TONES);
  } catch (error) {
    showError(error.status === 409 ? NO_TONES : plainWords(error));
  }
}
