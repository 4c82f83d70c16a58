// Signing in and out of the box.
import { plainWords } from "./plain-words.js";
import { $, api, events, state } from "./widget-state.js";
import { tellHubSpot } from "./hubspot-link.js";
import { show, showError, clearError } from "./screens.js";
import { endCallLocally } from "./call.js";

export async function signedIn(answer) {
  state.agent = answer.agent;
  $("agent-name").textContent = answer.agent.name || answer.agent.email;
  events.start();
  tellHubSpot("userLoggedIn");
  tellHubSpot("userAvailable");
  show("keypad");
}

export async function logIn(event) {
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

export async function logOut() {
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

export function signedOut() {
  state.agent = null;
  events.stop();
  tellHubSpot("userLoggedOut");
  show("login");
}

/** Any request that finds the session gone sends the agent back to sign in. */
export function failed(error) {
  if (error && error.status === 401 && state.agent) {
    if (state.call) endCallLocally("FAILED");
    signedOut();
  }
  showError(plainWords(error));
}
