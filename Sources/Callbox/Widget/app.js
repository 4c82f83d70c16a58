// The calling widget: its controls wired to the modules, the configuration read, and the start.
// HubSpot hears nothing before the handshake (the protocol module drops it, and so do we).
import { plainWords, samePhone } from "./plain-words.js";
import { WIDGET_SIZE, WIDGET_SIZE_WITH_MESSAGES, DEFAULT_HOST_ORIGINS, $, api, events, state } from "./widget-state.js";
import { tellHubSpot, startProtocol } from "./hubspot-link.js";
import { show, showError, clearError } from "./screens.js";
import { signedIn, logIn, logOut } from "./sign-in.js";
import { setDialTarget, dialFromKeypad, checkAndCall, sendPermissionRequest } from "./dialing.js";
import { answer, decline } from "./incoming.js";
import { hangUp, saveEnded, toggleMute, sendTone } from "./call.js";

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
