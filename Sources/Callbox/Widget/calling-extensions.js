// The widget side of HubSpot's Calling Extensions protocol, as SDK 0.9.6 speaks it
// (hubspot-calling-extensions.md §2–§5), in our own code: no npm, no build step.
// Our hardening over the SDK (§2.4): a SYNC is accepted only from window.parent, from an
// allowed host origin, and with hostUrl equal to the sender's origin when it names one.

const SDK_VERSION = "0.9.6";
// Messages kept in `log` for diagnostics; older ones are dropped so a day-long widget stays small.
const LOG_LIMIT = 200;

const messageType = Object.freeze({
  // Handshake (§3) and the local READY.
  SYNC: "SYNC",
  SYNC_ACK: "SYNC_ACK",
  SYNC_ACK_FAILED: "SYNC_ACK_FAILED",
  READY: "READY",
  UNLOADING: "UNLOADING",
  // Widget to HubSpot (§4.1).
  INITIALIZED: "INITIALIZED",
  LOGGED_IN: "LOGGED_IN",
  LOGGED_OUT: "LOGGED_OUT",
  USER_AVAILABLE: "USER_AVAILABLE",
  USER_UNAVAILABLE: "USER_UNAVAILABLE",
  OUTGOING_CALL_STARTED: "OUTGOING_CALL_STARTED",
  INCOMING_CALL: "INCOMING_CALL",
  CALL_ANSWERED: "CALL_ANSWERED",
  CALL_ENDED: "CALL_ENDED",
  CALL_COMPLETED: "CALL_COMPLETED",
  CALL_TRANSFERRED: "CALL_TRANSFERRED",
  NAVIGATE_TO_RECORD: "NAVIGATE_TO_RECORD",
  FINALIZE_ENGAGEMENT: "FINALIZE_ENGAGEMENT",
  PUBLISH_TO_CHANNEL: "PUBLISH_TO_CHANNEL",
  ERROR: "ERROR",
  RESIZE_WIDGET: "RESIZE_WIDGET",
  SET_WIDGET_URL: "SET_WIDGET_URL",
  CALL_DATA: "CALL_DATA",
  // HubSpot to widget (§4.2).
  DIAL_NUMBER: "DIAL_NUMBER",
  ENGAGEMENT_CREATED: "ENGAGEMENT_CREATED",
  CREATE_ENGAGEMENT_SUCCEEDED: "CREATE_ENGAGEMENT_SUCCEEDED",
  CREATE_ENGAGEMENT_FAILED: "CREATE_ENGAGEMENT_FAILED",
  UPDATE_ENGAGEMENT_SUCCEEDED: "UPDATE_ENGAGEMENT_SUCCEEDED",
  UPDATE_ENGAGEMENT_FAILED: "UPDATE_ENGAGEMENT_FAILED",
  CALLER_ID_MATCH_SUCCEEDED: "CALLER_ID_MATCH_SUCCEEDED",
  CALLER_ID_MATCH_FAILED: "CALLER_ID_MATCH_FAILED",
  NAVIGATE_TO_RECORD_FAILED: "NAVIGATE_TO_RECORD_FAILED",
  FINALIZE_ENGAGEMENT_SUCCEEDED: "FINALIZE_ENGAGEMENT_SUCCEEDED",
  FINALIZE_ENGAGEMENT_FAILED: "FINALIZE_ENGAGEMENT_FAILED",
  PUBLISH_TO_CHANNEL_SUCCEEDED: "PUBLISH_TO_CHANNEL_SUCCEEDED",
  PUBLISH_TO_CHANNEL_FAILED: "PUBLISH_TO_CHANNEL_FAILED",
  INITIATE_CALL_ID_SUCCEEDED: "INITIATE_CALL_ID_SUCCEEDED",
  INITIATE_CALL_ID_FAILED: "INITIATE_CALL_ID_FAILED",
  SET_WIDGET_URL_FAILED: "SET_WIDGET_URL_FAILED",
  VISIBILITY_CHANGED: "VISIBILITY_CHANGED",
  END_CALL: "END_CALL",
  SET_CALL_STATE: "SET_CALL_STATE",
  FAILED: "FAILED",
});

// The values carry no prefix on the wire (§4.1 notes); the names keep the SDK's.
const callEndStatus = Object.freeze({
  INTERNAL_COMPLETED: "COMPLETED",
  INTERNAL_FAILED: "FAILED",
  INTERNAL_CANCELED: "CANCELED",
  INTERNAL_BUSY: "BUSY",
  INTERNAL_NO_ANSWER: "NO_ANSWER",
  INTERNAL_REJECTED: "REJECTED",
  INTERNAL_MISSED: "MISSED",
});

const iframeLocation = Object.freeze({ WIDGET: "widget", REMOTE: "remote", WINDOW: "window" });

const errorType = Object.freeze({ UNKNOWN_MESSAGE_TYPE: "UNKNOWN_MESSAGE_TYPE" });

// Incoming types and the eventHandlers key each one is dispatched to (§4.2, §5.1).
const handlerNames = Object.freeze({
  [messageType.READY]: "onReady",
  [messageType.DIAL_NUMBER]: "onDialNumber",
  [messageType.ENGAGEMENT_CREATED]: "onEngagementCreated",
  [messageType.CREATE_ENGAGEMENT_SUCCEEDED]: "onCreateEngagementSucceeded",
  [messageType.CREATE_ENGAGEMENT_FAILED]: "onCreateEngagementFailed",
  [messageType.UPDATE_ENGAGEMENT_SUCCEEDED]: "onUpdateEngagementSucceeded",
  [messageType.UPDATE_ENGAGEMENT_FAILED]: "onUpdateEngagementFailed",
  [messageType.CALLER_ID_MATCH_SUCCEEDED]: "onCallerIdMatchSucceeded",
  [messageType.CALLER_ID_MATCH_FAILED]: "onCallerIdMatchFailed",
  [messageType.NAVIGATE_TO_RECORD_FAILED]: "onNavigateToRecordFailed",
  [messageType.FINALIZE_ENGAGEMENT_SUCCEEDED]: "onFinalizeEngagementSucceeded",
  [messageType.FINALIZE_ENGAGEMENT_FAILED]: "onFinalizeEngagementFailed",
  [messageType.PUBLISH_TO_CHANNEL_SUCCEEDED]: "onPublishToChannelSucceeded",
  [messageType.PUBLISH_TO_CHANNEL_FAILED]: "onPublishToChannelFailed",
  [messageType.INITIATE_CALL_ID_SUCCEEDED]: "onInitiateCallIdSucceeded",
  [messageType.INITIATE_CALL_ID_FAILED]: "onInitiateCallIdFailed",
  [messageType.SET_WIDGET_URL_FAILED]: "onSetWidgetUrlFailed",
  [messageType.VISIBILITY_CHANGED]: "onVisibilityChanged",
  [messageType.END_CALL]: "onEndCall",
  [messageType.SET_CALL_STATE]: "onSetCallState",
  [messageType.FAILED]: "onFailed",
});

// The SYNC fields that make up READY's context (§3.3).
const contextFields = ["engagementId", "portalId", "userId", "ownerId", "iframeLocation", "usesCallingWindow", "hostUrl"];

// HubSpot's production UI origins, one per data centre (na1, eu1, na2, na3, ap1): the hosts HubSpot's
// own CLI accepts, exact names, never a wildcard (hubspot-recordings-and-inbound §4).
const hubSpotOrigins = Object.freeze(["https://app.hubspot.com", "https://app-eu1.hubspot.com", "https://app-na2.hubspot.com", "https://app-na3.hubspot.com", "https://app-ap1.hubspot.com"]);

export const Constants = Object.freeze({ messageType, callEndStatus, iframeLocation, errorType, version: SDK_VERSION, handlerNames,
  hubSpotOrigins });

// `https://*.example.com` in an allow-list matches any subdomain, as CSP does.
function originAllowed(origin, allowed) {
  return allowed.some((entry) => {
    if (entry === origin) return true;
    const star = entry.indexOf("://*.");
    if (star < 0) return false;
    const scheme = entry.slice(0, star + 3);
    const suffix = entry.slice(star + 4);
    return origin.startsWith(scheme) && origin.endsWith(suffix) && origin.length > scheme.length + suffix.length;
  });
}

export default class CallingExtensions {
  // options: { debugMode, hostOrigins: [origin…], eventHandlers: {…}, window (tests only) }.
  constructor(options = {}) {
    this.debugMode = Boolean(options.debugMode);
    this.hostOrigins = Array.isArray(options.hostOrigins) ? options.hostOrigins.slice() : [];
    this.eventHandlers = options.eventHandlers || {};
    this.window = options.window || globalThis.window;
    this.instanceId = Date.now();
    this.lastMillis = 0;
    this.isReady = false;
    this.destinationOrigin = null;
    this.context = null;
    this.log = [];
    this.listener = (event) => this.onMessage(event);
    this.window.addEventListener("message", this.listener);
  }

  // Which embedding this instance is (§1): "widget", "remote" or "window"; null before SYNC.
  get iframeLocation() { return this.context ? this.context.iframeLocation || iframeLocation.WIDGET : null; }
  get usesCallingWindow() { return Boolean(this.context && this.context.usesCallingWindow); }

  // Whether this instance sends the call-lifecycle messages (§6.6): with usesCallingWindow the
  // "window" instance does and the "remote" one relays to it; otherwise the "remote" one does.
  get ownsCallLifecycle() {
    switch (this.iframeLocation) {
      case iframeLocation.REMOTE: return !this.usesCallingWindow;
      case iframeLocation.WINDOW: return this.usesCallingWindow;
      default: return this.iframeLocation !== null;
    }
  }

  // Stops listening; the page keeps its handshake state (a new instance starts over).
  destroy() { this.window.removeEventListener("message", this.listener); }

  // "<instanceId>_<millis>" (§2.2); millis never repeat within one instance so ids stay unique.
  createMessageId() {
    const millis = Math.max(Date.now(), this.lastMillis + 1);
    this.lastMillis = millis;
    return `${this.instanceId}_${millis}`;
  }

  remember(direction, message) {
    this.log.push({ direction, at: Date.now(), message });
    if (this.log.length > LOG_LIMIT) this.log.shift();
  }

  debug(...parts) {
    if (this.debugMode) console.log("[calling-extensions]", ...parts);
  }

  // Posts to HubSpot at the origin learned in the handshake; nothing before it (§2.4 rule 5).
  send(message) {
    if (!this.isReady || !this.destinationOrigin) {
      this.debug("iFrame not initialized to send a message within HubSpot", message.type);
      return false;
    }
    const envelope = { ...message };
    if (!envelope.messageId) envelope.messageId = this.createMessageId();
    if (envelope.data === undefined) delete envelope.data;
    this.remember("out", envelope);
    this.window.parent.postMessage(envelope, this.destinationOrigin);
    return true;
  }

  sendMessage(type, data) { return this.send({ type, data }); }

  onMessage(event) {
    const message = event.data;
    if (!message || typeof message !== "object" || !message.type || !message.messageId) return;
    if (message.type === messageType.SYNC) {
      this.onSync(event);
      return;
    }
    if (!this.isReady || event.origin !== this.destinationOrigin) {
      this.debug("dropped a message from", event.origin, message.type);
      return;
    }
    this.remember("in", message);
    // A reply to one of ours (only SYNC is a request, and that is the host's): never dispatched.
    if (String(message.messageId).startsWith(String(this.instanceId))) return;
    this.dispatch(message);
  }

  onSync(event) {
    const message = event.data;
    if (this.isReady) return;
    if (event.source !== this.window.parent || !originAllowed(event.origin, this.hostOrigins)) {
      this.debug("refused a SYNC from", event.origin);
      return;
    }
    if (message.hostUrl !== undefined && message.hostUrl !== event.origin) {
      this.debug("refused a SYNC whose hostUrl", message.hostUrl, "is not its origin", event.origin);
      return;
    }
    this.remember("in", message);
    this.isReady = true;
    this.destinationOrigin = event.origin;
    const context = {};
    for (const field of contextFields) if (message[field] !== undefined) context[field] = message[field];
    if (context.hostUrl === undefined) context.hostUrl = event.origin;
    this.context = context;
    this.send({ ...message, type: messageType.SYNC_ACK, debugMode: this.debugMode, version: SDK_VERSION,
      iFrameUrl: this.window.location.origin });
    this.dispatch({ type: messageType.READY, data: { ...context } });
  }

  // §5: mapped handler, else defaultEventHandler; an unmapped type gets ERROR back; any
  // *_FAILED also reaches a handler keyed "FAILED" (the SDK's lookup, not onFailed).
  dispatch(message) {
    const name = handlerNames[message.type];
    if (!name) {
      this.sendMessage(messageType.ERROR, { type: errorType.UNKNOWN_MESSAGE_TYPE, data: { originalMessage: message } });
      return;
    }
    const handler = this.eventHandlers[name] || this.eventHandlers.defaultEventHandler;
    if (handler) handler(message.data, message);
    else this.debug("no handler for", message.type);
    if (message.type.endsWith("_FAILED") && typeof this.eventHandlers.FAILED === "function") {
      this.eventHandlers.FAILED(message.data, message);
    }
  }

  // Widget to HubSpot (§4.1).
  initialized(data) { return this.sendMessage(messageType.INITIALIZED, data); }
  userLoggedIn() { return this.sendMessage(messageType.LOGGED_IN); }
  userLoggedOut() { return this.sendMessage(messageType.LOGGED_OUT); }
  userAvailable() { return this.sendMessage(messageType.USER_AVAILABLE); }
  userUnavailable() { return this.sendMessage(messageType.USER_UNAVAILABLE); }
  outgoingCall(data) { return this.sendMessage(messageType.OUTGOING_CALL_STARTED, data); }
  incomingCall(data) { return this.sendMessage(messageType.INCOMING_CALL, data); }
  callAnswered(data) { return this.sendMessage(messageType.CALL_ANSWERED, data); }
  callEnded(data) { return this.sendMessage(messageType.CALL_ENDED, data); }
  callCompleted(data) { return this.sendMessage(messageType.CALL_COMPLETED, data); }
  callTransferred(data) { return this.sendMessage(messageType.CALL_TRANSFERRED, data); }
  sendError(data) { return this.sendMessage(messageType.ERROR, data); }
  resizeWidget(data) { return this.sendMessage(messageType.RESIZE_WIDGET, data); }
  navigateToRecord(data) { return this.sendMessage(messageType.NAVIGATE_TO_RECORD, data); }
  finalizeEngagement(data) { return this.sendMessage(messageType.FINALIZE_ENGAGEMENT, data); }
  publishToChannel(data) { return this.sendMessage(messageType.PUBLISH_TO_CHANNEL, data); }
  // Older hosts read iFrameUrl at the top level, 0.9.6 in data: both are sent (§4.1).
  setWidgetUrl(data) { return this.send({ type: messageType.SET_WIDGET_URL, iFrameUrl: data.iFrameUrl, data }); }
}
