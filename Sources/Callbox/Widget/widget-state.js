// What the widget's modules share: its constants, the box's API and event stream, the messages
// panel, and the one state object every screen reads and changes.
import { Constants } from "./calling-extensions.js";
import { BoxApi, BoxEvents } from "./box-api.js";
import { CommsPanel } from "./comms-panel.js";
import { showConnection } from "./screens.js";
import { onBoxEvent } from "./live-events.js";

/** The size HubSpot should give the iframe (INITIALIZED sizeInfo), px. */
export const WIDGET_SIZE = { width: 400, height: 600 };
/** With the conversation open the widget asks HubSpot for room to read it beside the call. */
export const WIDGET_SIZE_WITH_MESSAGES = { width: 400, height: 760 };
/** HubSpot's object type id of contacts, for navigateToRecord. */
export const CONTACT_OBJECT_TYPE = "0-1";
/** HubSpot's own origins, when the box's config cannot be read (spec §1). */
export const DEFAULT_HOST_ORIGINS = Constants.hubSpotOrigins;
/** A second DIAL_NUMBER for the same number and record this soon is HubSpot repeating itself (SDK issue #210). */
export const DIAL_REPEAT_WINDOW_MS = 3000;
/** How often the call timer is redrawn. */
export const TIMER_TICK_MS = 500;
/** Box call states after which nothing more happens to a call. */
export const FINAL_STATES = new Set(["ended", "missed", "rejected", "failed"]);
/** Meta's call ids; the box's own keys for calls Meta has not named yet look different. */
export const META_CALL_PREFIX = "wacid.";
/** What the agent reads when the far end's phone negotiated no RFC 4733 tones. */
export const NO_TONES = "Tones cannot be sent on this call: the other side's phone did not offer them.";
/** The protocol calls that tell HubSpot about a call (only one instance of the widget sends them). */
export const LIFECYCLE_METHODS = new Set(["outgoingCall", "incomingCall", "callAnswered", "callEnded", "callCompleted",
  "navigateToRecord", "finalizeEngagement", "sendError"]);
/** Permission states that let a call be placed now. */
export const GRANTED_STATES = new Set(["temporary", "permanent"]);

export const $ = (id) => document.getElementById(id);
export const api = new BoxApi();
export const events = new BoxEvents(onBoxEvent, showConnection);
export const comms = new CommsPanel(api, {
  panel: $("comms"), summary: $("comms-summary"), list: $("comms-list"),
  form: $("comms-form"), text: $("comms-text"), error: $("comms-error"),
});

export const state = {
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
