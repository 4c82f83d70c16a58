// The screens: which one shows, errors, the session check, and the parts of a call they draw.
import { plainWords, displayUser, duration } from "./plain-words.js";
import { TIMER_TICK_MS, $, api, comms, state } from "./widget-state.js";
import { signedOut } from "./sign-in.js";

export const FOCUS_ON_SHOW = {
  login: "login-email", keypad: "dial-number", "permission-request": "request-send",
  "permission-pending": "pending-check", "permission-denied": "denied-back", dialing: "dialing-hangup",
  incoming: "incoming-answer", calling: "calling-mute", ended: "ended-notes",
};

export function show(screen) {
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

export function showError(text) {
  $("error-text").textContent = text;
  $("error").hidden = false;
}

export function clearError() {
  $("error").hidden = true;
  $("error-text").textContent = "";
}

export function showConnection(connection) {
  const labels = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" };
  $("connection").dataset.state = connection;
  $("connection").textContent = labels[connection] || connection;
  if (connection === "reconnecting" && state.agent && !state.checkingSession) checkSession();
}

/** A stream that keeps failing may mean the session ended (expired, or signed out elsewhere). */
export async function checkSession() {
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

export function partyName(call) {
  const contact = call.contact || {};
  return contact.name || call.callerName || (contact.id ? "HubSpot contact #" + contact.id : "");
}

export function fillParty(prefix, call) {
  $(prefix + "-name").textContent = partyName(call);
  $(prefix + "-number").textContent = displayUser(call.remote, call.username);
}

export function renderIncoming() {
  const call = state.call;
  fillParty("incoming", call);
  $("incoming-contact").textContent = call.contact
    ? "HubSpot contact: " + (call.contact.name || "#" + call.contact.id)
    : "No HubSpot contact has this number.";
  $("incoming-reason").textContent = call.ringReason === "owner" ? "You own this contact, so it rings you first." : "";
}

export function renderTimer() {
  const call = state.call;
  if (!call) return;
  $("calling-timer").textContent = call.answeredAt ? duration(Date.now() - call.answeredAt) : "Connecting…";
}

export function renderCalling() {
  const call = state.call;
  fillParty("calling", call);
  $("calling-audio").textContent = call.via === "handset"
    ? "Audio is on the desk handset."
    : "Audio is on this computer (microphone and speaker).";
  $("calling-mute").setAttribute("aria-pressed", String(call.muted));
  $("calling-mute").textContent = call.muted ? "Unmute" : "Mute";
  renderTimer();
}
