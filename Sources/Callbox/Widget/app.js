// The calling widget: screens, the call in progress, and what HubSpot is told about it.
// HubSpot hears nothing before the handshake (the protocol module drops it, and so do we).
import CallingExtensions, { Constants } from "./calling-extensions.js";
import CallingRelay from "./calling-relay.js";
import { BoxApi, BoxEvents } from "./box-api.js";
import { BrowserCall } from "./browser-call.js";
import { CommsPanel } from "./comms-panel.js";
import { plainWords, clockTime, displayNumber, displayUser, duration, samePhone } from "./plain-words.js";

/** The size HubSpot should give the iframe (INITIALIZED sizeInfo), px. */
const WIDGET_SIZE = { width: 400, height: 600 };
/** With the conversation open the widget asks HubSpot for room to read it beside the call. */
const WIDGET_SIZE_WITH_MESSAGES = { width: 400, height: 760 };
/** HubSpot's object type id of contacts, for navigateToRecord. */
const CONTACT_OBJECT_TYPE = "0-1";
/** HubSpot's own origins, when the box's config cannot be read (spec §1). */
const DEFAULT_HOST_ORIGINS = Constants.hubSpotOrigins;
/** A second DIAL_NUMBER for the same number and record this soon is HubSpot repeating itself (SDK issue #210). */
const DIAL_REPEAT_WINDOW_MS = 3000;
/** How often the call timer is redrawn. */
const TIMER_TICK_MS = 500;
/** Box call states after which nothing more happens to a call. */
const FINAL_STATES = new Set(["ended", "missed", "rejected", "failed"]);
/** Meta's call ids; the box's own keys for calls Meta has not named yet look different. */
const META_CALL_PREFIX = "wacid.";
/** What the agent reads when the far end's phone negotiated no RFC 4733 tones. */
const NO_TONES = "Tones cannot be sent on this call: the other side's phone did not offer them.";
/** The protocol calls that tell HubSpot about a call (only one instance of the widget sends them). */
const LIFECYCLE_METHODS = new Set(["outgoingCall", "incomingCall", "callAnswered", "callEnded", "callCompleted",
  "navigateToRecord", "finalizeEngagement", "sendError"]);
/** Permission states that let a call be placed now. */
const GRANTED_STATES = new Set(["temporary", "permanent"]);

const $ = (id) => document.getElementById(id);
const api = new BoxApi();
const events = new BoxEvents(onBoxEvent, showConnection);
const comms = new CommsPanel(api, {
  panel: $("comms"), summary: $("comms-summary"), list: $("comms-list"),
  form: $("comms-form"), text: $("comms-text"), error: $("comms-error"),
});

const state = {
  agent: null,
  handshakeDone: false,
  syncContext: null,
  config: null,
  screen: "loading",
  dial: { number: "", contact: null, lastKey: null, lastAt: 0 },
  call: null,
  timer: null,
  checkingSession: false,
  /** What the box said about calls before their id was known here (the initiate answer can trail SSE). */
  early: [],
};

let cti = null;
/** With several instances open (remote + calling window, spec §6.6), the one HubSpot expects
 * the call lifecycle from sends it; the others hand theirs over through this relay. */
let relay = null;

// MARK: HubSpot

/** Calls the protocol module only after the handshake: before it, HubSpot must hear nothing.
 * A call's lifecycle goes through the relay, so an instance that does not talk to HubSpot
 * (the "remote" one while a calling window is open) has the owning instance send it. */
function tellHubSpot(method, data) {
  if (!cti || !state.handshakeDone) return;
  try {
    if (LIFECYCLE_METHODS.has(method) && relay) relay.call(method, data);
    else cti[method](data);
  } catch (failure) {
    console.warn("callbox: could not tell HubSpot", method, failure);
  }
}

/** HubSpot's answers about a call reach the instance that owns the lifecycle; it shares them
 * so the instance holding the call's screen sees them too. */
function shared(type, handle) {
  return (data) => {
    if (relay) relay.publish(type, data);
    handle(data || {});
  };
}

const RELAYED_ANSWERS = {
  CREATE_ENGAGEMENT_SUCCEEDED: (data) => engagementCreated(data),
  CALLER_ID_MATCH_SUCCEEDED: (data) => callerMatched(data),
};

function startProtocol(hostOrigins) {
  cti = new CallingExtensions({
    debugMode: false,
    hostOrigins,
    eventHandlers: {
      onReady: (data) => {
        state.handshakeDone = true;
        state.syncContext = data || {};
        relay = new CallingRelay(cti, {
          onEvent: (type, payload) => RELAYED_ANSWERS[type] && RELAYED_ANSWERS[type](payload || {}),
        });
        tellHubSpot("initialized", {
          isLoggedIn: Boolean(state.agent),
          isAvailable: Boolean(state.agent),
          engagementId: (data && data.engagementId) || 0,
          sizeInfo: WIDGET_SIZE,
        });
        if (state.agent) tellHubSpot("userAvailable");
      },
      onDialNumber: (data) => dialNumberFromHubSpot(data || {}),
      onEngagementCreated: shared("CREATE_ENGAGEMENT_SUCCEEDED", engagementCreated),
      onCreateEngagementSucceeded: shared("CREATE_ENGAGEMENT_SUCCEEDED", engagementCreated),
      onCreateEngagementFailed: () => showError("HubSpot could not create the call record. The box will log this call itself."),
      onUpdateEngagementSucceeded: () => {},
      onUpdateEngagementFailed: (data) => showError("HubSpot could not save the call notes" + failureReason(data) + "."),
      onCallerIdMatchSucceeded: shared("CALLER_ID_MATCH_SUCCEEDED", callerMatched),
      onCallerIdMatchFailed: () => {},
      onNavigateToRecordFailed: () => {},
      onFinalizeEngagementSucceeded: () => {},
      onFinalizeEngagementFailed: () => {},
      onPublishToChannelSucceeded: () => {},
      onPublishToChannelFailed: () => {},
      onInitiateCallIdSucceeded: () => {},
      onInitiateCallIdFailed: () => {},
      onSetWidgetUrlFailed: () => {},
      onVisibilityChanged: () => {},
      onEndCall: () => hangUp(),
      onSetCallState: () => {},
      onFailed: () => {},
      defaultEventHandler: () => {},
    },
  });
}

function failureReason(data) {
  const message = data && data.error && data.error.message;
  return message ? ": " + message : "";
}

function engagementCreated(data) {
  const call = state.call;
  if (!call || call.engagementId || !data.engagementId) return;
  call.engagementId = data.engagementId;
  if (call.id) registerEngagement(call);
}

function registerEngagement(call) {
  api.registerEngagement(call.id, call.engagementId).catch((error) => showError(plainWords(error)));
}

function callerMatched(data) {
  const call = state.call;
  const match = (data.callerIdMatches || [])[0];
  if (!call || call.direction !== "inbound" || !match || call.contact) return;
  const name = match.callerIdType === "COMPANY" ? match.name : [match.firstName, match.lastName].filter(Boolean).join(" ");
  call.contact = { id: match.objectCoordinates && match.objectCoordinates.objectId, name };
  if (state.screen === "incoming") renderIncoming();
}

// MARK: screens

const FOCUS_ON_SHOW = {
  login: "login-email", keypad: "dial-number", "permission-request": "request-send",
  "permission-pending": "pending-check", "permission-denied": "denied-back", dialing: "dialing-hangup",
  incoming: "incoming-answer", calling: "calling-mute", ended: "ended-notes",
};

function show(screen) {
  state.screen = screen;
  for (const section of document.querySelectorAll(".screen")) section.hidden = section.dataset.screen !== screen;
  document.body.dataset.screen = screen;
  const signedIn = Boolean(state.agent);
  $("logout").hidden = !signedIn;
  $("agent-name").hidden = !signedIn;
  if (!signedIn) comms.show(null);
  clearInterval(state.timer);
  if (screen === "calling") state.timer = setInterval(renderTimer, TIMER_TICK_MS);
  const target = $(FOCUS_ON_SHOW[screen]) || document.querySelector('[data-screen="' + screen + '"] h1');
  if (target) target.focus();
}

function showError(text) {
  $("error-text").textContent = text;
  $("error").hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error-text").textContent = "";
}

function showConnection(connection) {
  const labels = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" };
  $("connection").dataset.state = connection;
  $("connection").textContent = labels[connection] || connection;
  if (connection === "reconnecting" && state.agent && !state.checkingSession) checkSession();
}

/** A stream that keeps failing may mean the session ended (expired, or signed out elsewhere). */
async function checkSession() {
  state.checkingSession = true;
  try {
    if (!(await api.me()) && state.agent && !state.call) {
      signedOut();
      showError(plainWords({ code: "no_session" }));
    }
  } catch (error) {
    console.warn("callbox: the box cannot be reached; the stream keeps trying", error.message);
  } finally {
    state.checkingSession = false;
  }
}

function partyName(call) {
  const contact = call.contact || {};
  return contact.name || call.callerName || (contact.id ? "HubSpot contact #" + contact.id : "");
}

function fillParty(prefix, call) {
  $(prefix + "-name").textContent = partyName(call);
  $(prefix + "-number").textContent = displayUser(call.remote, call.username);
}

function renderIncoming() {
  const call = state.call;
  fillParty("incoming", call);
  $("incoming-contact").textContent = call.contact
    ? "HubSpot contact: " + (call.contact.name || "#" + call.contact.id)
    : "No HubSpot contact has this number.";
  $("incoming-reason").textContent = call.ringReason === "owner" ? "You own this contact, so it rings you first." : "";
}

function renderTimer() {
  const call = state.call;
  if (!call) return;
  $("calling-timer").textContent = call.answeredAt ? duration(Date.now() - call.answeredAt) : "Connecting…";
}

function renderCalling() {
  const call = state.call;
  fillParty("calling", call);
  $("calling-audio").textContent = call.via === "handset"
    ? "Audio is on the desk handset."
    : "Audio is on this computer (microphone and speaker).";
  $("calling-mute").setAttribute("aria-pressed", String(call.muted));
  $("calling-mute").textContent = call.muted ? "Unmute" : "Mute";
  renderTimer();
}

// MARK: signing in and out

async function signedIn(answer) {
  state.agent = answer.agent;
  $("agent-name").textContent = answer.agent.name || answer.agent.email;
  events.start();
  tellHubSpot("userLoggedIn");
  tellHubSpot("userAvailable");
  show("keypad");
}

async function logIn(event) {
  event.preventDefault();
  clearError();
  $("login-submit").disabled = true;
  try {
    await signedIn(await api.login($("login-email").value.trim(), $("login-password").value));
    $("login-password").value = "";
  } catch (error) {
    showError(plainWords(error));
  } finally {
    $("login-submit").disabled = false;
  }
}

async function logOut() {
  if (state.call) {
    showError("Finish the call before signing out.");
    return;
  }
  try {
    await api.logout();
  } catch (error) {
    if (error.status !== 401) showError(plainWords(error));
  }
  signedOut();
}

function signedOut() {
  state.agent = null;
  events.stop();
  tellHubSpot("userLoggedOut");
  show("login");
}

/** Any request that finds the session gone sends the agent back to sign in. */
function failed(error) {
  if (error && error.status === 401 && state.agent) {
    if (state.call) endCallLocally("FAILED");
    signedOut();
  }
  showError(plainWords(error));
}

// MARK: dialing and permission

function selectedVia() {
  return document.querySelector('input[name="via"]:checked').value;
}

function setDialTarget(number, contact) {
  state.dial.number = number;
  state.dial.contact = contact;
  $("dial-number").value = number;
  $("dial-contact").hidden = !contact;
  $("dial-contact").textContent = contact ? "HubSpot contact: " + (contact.name || "#" + contact.id) : "";
  comms.show(number || null, contact && contact.id);
}

function dialNumberFromHubSpot(data) {
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

function dialFromKeypad(event) {
  event.preventDefault();
  const number = $("dial-number").value.trim();
  if (!samePhone(number, state.dial.number)) setDialTarget(number, null);
  checkAndCall();
}

/** May this number be called now? Call it, or show what permission needs. */
async function checkAndCall() {
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

async function sendPermissionRequest() {
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

function showPending(status, sentAtMs) {
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

function showDenied(message, nextAllowedAt) {
  // The box's sentence ends with the time in UTC; the line below says it in the agent's clock.
  const rule = (message || "").replace(/\s*Next allowed at .*$/, "");
  $("denied-message").textContent = rule || "WhatsApp does not allow calling this number now.";
  $("denied-next").textContent = nextAllowedAt
    ? "A new request can be sent after " + clockTime(nextAllowedAt) + "."
    : "";
  show("permission-denied");
}

function permissionChanged(data) {
  if (state.screen !== "permission-pending" || !samePhone(data.phone, state.dial.number)) return;
  if (GRANTED_STATES.has(data.state)) {
    placeCall().catch(failed);
  } else if (data.state === "rejected" || data.state === "revoked") {
    checkAndCall();
  }
}

function newCall(fields) {
  return {
    id: null, externalCallId: crypto.randomUUID(), engagementId: null, media: null, muted: false,
    contact: null, callerName: "", startedAt: Date.now(), answeredAt: null, endedAt: null,
    finished: false, hangupRequested: false, answeredHere: false, ...fields,
  };
}

async function placeCall() {
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

function replayEarly() {
  const early = state.early;
  state.early = [];
  for (const [type, data] of early) onBoxEvent(type, data);
}

// MARK: incoming

function incomingCall(data) {
  if (!state.agent || state.call) return;
  const call = newCall({
    direction: "inbound", id: data.call, remote: data.from, username: data.username || "", callerName: data.caller_name || "",
    contact: data.contact, offerSdp: data.offer_sdp, ringReason: data.ring_reason, via: null,
    startedAt: data.rings_at_ms || Date.now(),
  });
  state.call = call;
  renderIncoming();
  show("incoming");
  comms.show(call.remote, call.contact && call.contact.id);
}

/** Shows the caller's contact in HubSpot while the agent talks to them, as HubSpot's own
 * inbound calling does. */
function openContactRecord(call) {
  const portalId = Number(state.syncContext && state.syncContext.portalId);
  const objectId = Number(call.contact && call.contact.id);
  if (!portalId || !objectId || call.recordOpened) return;
  call.recordOpened = true;
  tellHubSpot("navigateToRecord", {
    objectCoordinates: { portalId, objectId, objectTypeId: CONTACT_OBJECT_TYPE },
    engagementId: call.engagementId || undefined,
  });
}

/** HubSpot hears of an inbound call only from the widget that takes it: every widget that rang
 * would otherwise create its own engagement for the one call (and leave the unanswered ones as
 * ghosts, SDK issue #46). Calls nobody took here are logged by the box itself. */
function announceIncoming(call) {
  call.announced = true;
  tellHubSpot("incomingCall", {
    externalCallId: call.externalCallId,
    fromNumber: displayNumber(call.remote),
    toNumber: (state.config && state.config.business_number) || "",
    callStartTime: call.startedAt,
    createEngagement: true,
  });
}

async function answer(via) {
  const call = state.call;
  if (!call || state.screen !== "incoming") return;
  clearError();
  for (const id of ["incoming-answer", "incoming-handset", "incoming-decline"]) $(id).disabled = true;
  try {
    let sdp = null;
    if (via === "browser") {
      call.media = new BrowserCall($("remote-audio"));
      sdp = await call.media.answer(call.offerSdp);
    }
    call.answeredHere = true;
    call.via = via;
    await api.answerCall(call.id, via, sdp);
    if (state.call !== call || call.finished) return;
    if (!call.announced) announceIncoming(call);
    if (!call.answeredAt) {
      call.answeredAt = Date.now();
      tellHubSpot("callAnswered", { externalCallId: call.externalCallId });
    }
    // The box's "active" may have come over the stream before this answer returned.
    if (call.direction === "inbound") openContactRecord(call);
    renderCalling();
    if (state.screen !== "calling") show("calling");
  } catch (error) {
    if (state.call === call) {
      call.media && call.media.close();
      call.media = null;
      call.answeredHere = false;
      call.via = null;
      if (error.status === 409 || error.status === 404) leaveIncoming("CANCELED");
      showError(plainWords(error));
    }
  } finally {
    for (const id of ["incoming-answer", "incoming-handset", "incoming-decline"]) $(id).disabled = false;
  }
}

async function decline() {
  const call = state.call;
  if (!call || state.screen !== "incoming") return;
  try {
    await api.rejectCall(call.id);
  } catch (error) {
    if (error.status !== 409 && error.status !== 404) showError(plainWords(error));
  }
  if (state.call === call) leaveIncoming("CANCELED");
}

/** The call stops ringing here without being answered here (declined, answered elsewhere, gone). */
function leaveIncoming(callEndStatus) {
  const call = state.call;
  call.finished = true;
  if (call.announced) {
    tellHubSpot("callEnded", { externalCallId: call.externalCallId, engagementId: call.engagementId || undefined, callEndStatus });
  }
  state.call = null;
  show("keypad");
}

// MARK: the call

/**
 * Is this event about our call? The box names an outbound call by its own key until Meta's
 * answer to `connect` names it (`wacid.…`); from then on events carry Meta's name, so it is adopted.
 */
function isOurCall(call, data) {
  if (data.call === call.id) return true;
  const renamed = call.direction === "outbound" && !String(call.id).startsWith(META_CALL_PREFIX)
    && String(data.call).startsWith(META_CALL_PREFIX) && (data.remote === undefined || samePhone(data.remote, call.remote));
  if (renamed) call.id = data.call;
  return renamed;
}

function callState(data) {
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

function endStatus(call, boxState) {
  if (call.answeredAt) return "COMPLETED";
  if (call.hangupRequested) return "CANCELED";
  if (boxState === "failed") return "FAILED";
  if (boxState === "rejected") return "BUSY";
  return "NO_ANSWER";
}

function remember(type, data) {
  state.early.push([type, data]);
}

function answerSdp(data) {
  const call = state.call;
  if (!call) return;
  if (!call.id) return remember("call.answer_sdp", data);
  if (!isOurCall(call, data) || !call.media) return;
  call.media.applyAnswer(data.sdp).catch((error) => showError("The call's audio could not be set up: " + error.message));
}

async function hangUp() {
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
function endCallLocally(callEndStatus) {
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

async function saveEnded(event) {
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

async function toggleMute() {
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

async function sendTone(digit) {
  const call = state.call;
  if (!call || state.screen !== "calling") return;
  try {
    if (call.via === "handset") await api.sendDigits(call.id, digit);
    else if (!call.media || !call.media.sendDigits(digit)) showError(NO_TONES);
  } catch (error) {
    showError(error.status === 409 ? NO_TONES : plainWords(error));
  }
}

// MARK: live events

function onBoxEvent(type, data) {
  switch (type) {
    case "call.incoming": return incomingCall(data);
    case "call.state": return callState(data);
    case "call.answer_sdp": return answerSdp(data);
    case "permission.changed": return permissionChanged(data);
    case "message.new":
    case "message.status": return comms.receive(type, data);
    case "reset": return resynchronise();
    default: return undefined;
  }
}

/** The box could not replay what was missed: ask it where our call stands now. */
async function resynchronise() {
  const call = state.call;
  if (!call || !call.id) return;
  try {
    const status = await api.callStatus(call.id);
    callState({ ...status, call: call.id });
  } catch (error) {
    if (error.status === 404) endCallLocally(endStatus(call, "ended"));
  }
}

// MARK: wiring

function keypad(container, keys, onKey) {
  for (const key of keys) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = key;
    button.setAttribute("aria-label", { "*": "star", "#": "hash", "+": "plus", "⌫": "delete the last digit" }[key] || key);
    button.addEventListener("click", () => onKey(key));
    container.append(button);
  }
}

function wire() {
  $("comms").addEventListener("toggle", () => {
    tellHubSpot("resizeWidget", $("comms").open ? WIDGET_SIZE_WITH_MESSAGES : WIDGET_SIZE);
  });
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", logOut);
  $("error-close").addEventListener("click", clearError);
  $("dial-form").addEventListener("submit", dialFromKeypad);
  $("dial-number").addEventListener("change", () => {
    const number = $("dial-number").value.trim();
    if (!samePhone(number, state.dial.number)) setDialTarget(number, null);
  });
  keypad($("dial-keys"), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "0", "⌫"], (key) => {
    const field = $("dial-number");
    field.value = key === "⌫" ? field.value.slice(0, -1) : field.value + key;
  });
  keypad($("calling-keys"), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"], sendTone);
  $("request-send").addEventListener("click", sendPermissionRequest);
  $("request-cancel").addEventListener("click", () => show("keypad"));
  $("pending-check").addEventListener("click", checkAndCall);
  $("pending-cancel").addEventListener("click", () => show("keypad"));
  $("denied-back").addEventListener("click", () => show("keypad"));
  $("dialing-hangup").addEventListener("click", hangUp);
  $("incoming-answer").addEventListener("click", () => answer("browser"));
  $("incoming-handset").addEventListener("click", () => answer("handset"));
  $("incoming-decline").addEventListener("click", decline);
  $("calling-mute").addEventListener("click", toggleMute);
  $("calling-hangup").addEventListener("click", hangUp);
  $("calling-keys-toggle").addEventListener("click", () => {
    const keys = $("calling-keys");
    keys.hidden = !keys.hidden;
    $("calling-keys-toggle").setAttribute("aria-expanded", String(!keys.hidden));
  });
  $("ended-form").addEventListener("submit", saveEnded);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!$("error").hidden) clearError();
      else if (["permission-request", "permission-pending", "permission-denied"].includes(state.screen)) show("keypad");
    } else if (state.screen === "calling" && /^[0-9*#]$/.test(event.key) && !/INPUT|TEXTAREA/.test(event.target.tagName)) {
      sendTone(event.key);
    }
  });
}

async function readConfig() {
  try {
    const response = await fetch("config.json", { credentials: "same-origin" });
    if (response.ok) return await response.json();
  } catch (failure) {
    console.warn("callbox: no widget config", failure);
  }
  return { host_origins: DEFAULT_HOST_ORIGINS };
}

async function start() {
  wire();
  show("loading");
  state.config = await readConfig();
  startProtocol(state.config.host_origins || DEFAULT_HOST_ORIGINS);
  try {
    const me = await api.me();
    if (me) await signedIn(me);
    else show("login");
  } catch (error) {
    show("login");
    showError(plainWords(error));
  }
}

/** For the end-to-end tests and for support: what the call's audio is doing; drop the live stream as a network failure would. */
window.callboxWidget = {
  audioLevels: () => (state.call && state.call.media ? state.call.media.audioLevels() : Promise.resolve(null)),
  dropEvents: () => events.drop(),
};

start();
