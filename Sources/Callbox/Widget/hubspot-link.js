// The widget's side of HubSpot's Calling Extensions: the handshake, what HubSpot is told about
// each call, and the relay that lets one instance speak for the others.
import CallingExtensions from "./calling-extensions.js";
import CallingRelay from "./calling-relay.js";
import { plainWords } from "./plain-words.js";
import { WIDGET_SIZE, LIFECYCLE_METHODS, api, state } from "./widget-state.js";
import { showError, renderIncoming } from "./screens.js";
import { dialNumberFromHubSpot } from "./dialing.js";
import { hangUp } from "./call.js";

export let cti = null;
/** With several instances open (remote + calling window, spec §6.6), the one HubSpot expects
 * the call lifecycle from sends it; the others hand theirs over through this relay. */
export let relay = null;


/** Calls the protocol module only after the handshake: before it, HubSpot must hear nothing.
 * A call's lifecycle goes through the relay, so an instance that does not talk to HubSpot
 * (the "remote" one while a calling window is open) has the owning instance send it. */
export function tellHubSpot(method, data) {
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
export function shared(type, handle) {
  return (data) => {
    if (relay) relay.publish(type, data);
    handle(data || {});
  };
}

export const RELAYED_ANSWERS = {
  CREATE_ENGAGEMENT_SUCCEEDED: (data) => engagementCreated(data),
  CALLER_ID_MATCH_SUCCEEDED: (data) => callerMatched(data),
};

export function startProtocol(hostOrigins) {
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

export function failureReason(data) {
  const message = data && data.error && data.error.message;
  return message ? ": " + message : "";
}

export function engagementCreated(data) {
  const call = state.call;
  if (!call || call.engagementId || !data.engagementId) return;
  call.engagementId = data.engagementId;
  if (call.id) registerEngagement(call);
}

export function registerEngagement(call) {
  api.registerEngagement(call.id, call.engagementId).catch((error) => showError(plainWords(error)));
}

export function callerMatched(data) {
  const call = state.call;
  const match = (data.callerIdMatches || [])[0];
  if (!call || call.direction !== "inbound" || !match || call.contact) return;
  const name = match.callerIdType === "COMPANY" ? match.name : [match.firstName, match.lastName].filter(Boolean).join(" ");
  call.contact = { id: match.objectCoordinates && match.objectCoordinates.objectId, name };
  if (state.screen === "incoming") renderIncoming();
}
