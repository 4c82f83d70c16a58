// HubSpot's side of the Calling Extensions protocol (hubspot-calling-extensions.md §7), for
// the demo and the browser tests. Tests read `window.hostLog` and drive `window.host`.

const SYNC_INTERVAL_MS = 100; // §3.1 step 3: the host re-sends SYNC every 100 ms
const SYNC_GIVE_UP_MS = 30000; // §3.1 step 3: and gives up after 30 s
const FAKE_ENGAGEMENT_BASE = 45012345000;

const params = new URLSearchParams(location.search);
const numberParam = (name, fallback) => (params.has(name) ? Number(params.get(name)) : fallback);
const otherLoopback = location.hostname === "127.0.0.1" ? "localhost" : "127.0.0.1";
const settings = {
  widget: params.get("widget") || `${location.protocol}//${otherLoopback}:${location.port}/widget/`,
  portalId: numberParam("portalId", 123456),
  userId: numberParam("userId", 9876543),
  ownerId: numberParam("ownerId", 55512345),
  engagementId: numberParam("engagementId", 0),
  iframeLocation: params.get("iframeLocation") || "widget",
  usesCallingWindow: params.get("usesCallingWindow") === "true",
  width: numberParam("width", 400),
  height: numberParam("height", 650),
  autoSync: params.get("autoSync") !== "off",
  createEngagement: params.get("createEngagement") || "succeed",
  callerIdMatch: params.get("callerIdMatch") || "succeed",
  updateEngagement: params.get("updateEngagement") || "succeed",
  finalize: params.get("finalize") || "succeed",
  navigate: params.get("navigate") || "succeed",
  setWidgetUrl: params.get("setWidgetUrl") || "follow",
  // "bare": SYNC carries only type, messageId and hostUrl, as the SDK's own reference host sends it.
  sync: params.get("sync") || "full",
};

const instanceId = Date.now();
let lastMillis = 0;
const hostLog = [];
const failures = [];
const state = { ready: false, syncIds: new Set(), ack: null, widgetOrigin: new URL(settings.widget).origin,
  engagements: 0, syncTimer: null, firstSyncAt: 0 };
let frame = null;

function messageId() {
  lastMillis = Math.max(Date.now(), lastMillis + 1);
  return `${instanceId}_${lastMillis}`;
}

function record(direction, message, note) {
  const entry = { at: Date.now(), direction, type: message ? message.type : null, message, note };
  hostLog.push(entry);
  const item = document.createElement("li");
  item.className = direction;
  item.textContent = `${new Date(entry.at).toISOString().slice(11, 23)} ${direction} ${note || ""} ${message ? JSON.stringify(message) : ""}`;
  document.getElementById("log").prepend(item);
}

function fail(text, message) {
  failures.push({ text, message });
  record("failure", message, text);
}

function post(message) {
  record("out", message);
  frame.contentWindow.postMessage(message, state.widgetOrigin);
}

function send(type, data) {
  const message = { type, messageId: messageId() };
  if (data !== undefined) message.data = data;
  post(message);
  return message;
}

function syncMessage() {
  const message = settings.sync === "bare" ? { type: "SYNC", messageId: messageId(), hostUrl: location.origin }
    : { type: "SYNC", messageId: messageId(), hostUrl: location.origin, portalId: settings.portalId,
      userId: settings.userId, ownerId: settings.ownerId, engagementId: settings.engagementId,
      iframeLocation: settings.iframeLocation, usesCallingWindow: settings.usesCallingWindow };
  state.syncIds.add(message.messageId);
  return message;
}

// §3.1: on every load, reset and SYNC until acknowledged or 30 s have passed.
function startSync() {
  clearTimeout(state.syncTimer);
  state.ready = false;
  state.ack = null;
  state.firstSyncAt = Date.now();
  const tick = () => {
    if (state.ready || !frame) return;
    if (Date.now() - state.firstSyncAt > SYNC_GIVE_UP_MS) {
      fail("SYNC_ACK_FAILED: no SYNC_ACK within 30 s");
      return;
    }
    post(syncMessage());
    state.syncTimer = setTimeout(tick, SYNC_INTERVAL_MS);
  };
  tick();
}

function createFrame() {
  frame = document.createElement("iframe");
  frame.id = "hubspot-calling-extension-iframe";
  frame.allow = "microphone; autoplay; speaker-selection";
  frame.width = String(settings.width);
  frame.height = String(settings.height);
  frame.addEventListener("load", () => {
    record("note", null, `iframe loaded ${frame.src}`);
    if (settings.autoSync) startSync();
  });
  frame.addEventListener("error", () => fail("SYNC_ACK_FAILED: the iframe failed to load"));
  frame.src = settings.widget;
  document.getElementById("frame-slot").append(frame);
}

function resize(data) {
  if (!data) return;
  if (typeof data.width === "number") frame.width = String(data.width);
  if (typeof data.height === "number") frame.height = String(data.height);
}

function engagementId() {
  state.engagements += 1;
  return FAKE_ENGAGEMENT_BASE + state.engagements;
}

// §7.6: HubSpot's answers, each a new message with the host's own fresh id.
const reactions = {
  INITIALIZED: (data) => resize(data && data.sizeInfo),
  RESIZE_WIDGET: (data) => resize(data),
  OUTGOING_CALL_STARTED: (data) => createEngagement(data),
  INCOMING_CALL: (data) => {
    if (settings.callerIdMatch === "succeed") {
      send("CALLER_ID_MATCH_SUCCEEDED", { callerIdMatches: [{ callerIdType: "CONTACT",
        objectCoordinates: { portalId: settings.portalId, objectId: 51, objectTypeId: "0-1" },
        firstName: "Ana", lastName: "Díaz", email: "ana@example.com" }] });
    } else {
      send("CALLER_ID_MATCH_FAILED", {});
    }
    createEngagement(data);
  },
  CALL_COMPLETED: (data) => {
    if (!data || !data.engagementProperties) return;
    if (settings.updateEngagement === "succeed") send("UPDATE_ENGAGEMENT_SUCCEEDED", { engagementId: data.engagementId });
    else send("UPDATE_ENGAGEMENT_FAILED", { error: { message: "Invalid property hs_call_status" } });
  },
  NAVIGATE_TO_RECORD: (data) => {
    if (settings.navigate === "fail") send("NAVIGATE_TO_RECORD_FAILED", data);
  },
  FINALIZE_ENGAGEMENT: (data) => finish("FINALIZE_ENGAGEMENT", data),
  PUBLISH_TO_CHANNEL: (data) => finish("PUBLISH_TO_CHANNEL", data),
  SET_WIDGET_URL: (data, message) => {
    const url = (data && data.iFrameUrl) || message.iFrameUrl;
    if (settings.setWidgetUrl === "fail" || !url) {
      send("SET_WIDGET_URL_FAILED", {});
      return;
    }
    state.widgetOrigin = new URL(url, frame.src).origin;
    frame.src = url;
  },
  ERROR: (data, message) => {
    if (data && data.type === "UNKNOWN_MESSAGE_TYPE") fail("the widget did not know a message type", message);
  },
};

function createEngagement(data) {
  if (!data || !data.createEngagement) return;
  if (settings.createEngagement === "succeed") send("CREATE_ENGAGEMENT_SUCCEEDED", { engagementId: engagementId() });
  else send("CREATE_ENGAGEMENT_FAILED", { error: { message: "Could not create engagement" } });
}

function finish(type, data) {
  const payload = { engagementId: data && data.engagementId, externalCallId: data && data.externalCallId };
  send(`${type}_${settings.finalize === "succeed" ? "SUCCEEDED" : "FAILED"}`, payload);
}

function onMessage(event) {
  if (frame && event.source === frame.contentWindow) {
    receive(event);
  } else if (event.data && event.data.senderDone) {
    record("note", event.data.message, "foreign frame posted to the widget");
  }
}

// §7.3: only the widget frame, from the widget origin, with a type and an id.
function receive(event) {
  const message = event.data;
  if (event.origin !== state.widgetOrigin) {
    fail(`message from ${event.origin}, expected ${state.widgetOrigin}`, message);
    return;
  }
  if (!message || typeof message !== "object" || !message.type || !message.messageId) {
    fail("message without type or messageId", message);
    return;
  }
  record("in", message);
  if (message.type === "SYNC_ACK") {
    acknowledge(message);
    return;
  }
  if (!state.ready) fail(`${message.type} before the handshake`, message);
  const reaction = reactions[message.type];
  if (reaction) reaction(message.data, message);
}

// §7.4: a SYNC_ACK echoing one of our SYNC ids completes the handshake.
function acknowledge(message) {
  if (!state.syncIds.has(message.messageId)) {
    fail("SYNC_ACK for a SYNC we did not send", message);
    return;
  }
  if (state.ready) {
    fail("a second SYNC_ACK in one page lifetime", message);
    return;
  }
  for (const field of ["hostUrl", "portalId", "userId", "ownerId", "engagementId", "iframeLocation", "usesCallingWindow"]) {
    const sent = field === "hostUrl" ? location.origin : settings.sync === "bare" ? undefined : settings[field];
    if (message[field] !== sent) fail(`SYNC_ACK changed ${field}`, message);
  }
  state.ready = true;
  state.ack = { version: message.version, debugMode: message.debugMode, iFrameUrl: message.iFrameUrl };
  if (message.iFrameUrl) state.widgetOrigin = message.iFrameUrl;
  clearTimeout(state.syncTimer);
  document.getElementById("state").textContent = `synced with ${message.iFrameUrl} (SDK ${message.version})`;
}

function dialPayload(fromGlobalDialer) {
  const payload = { phoneNumber: "+34600111222", phone_number: "+34600111222", countryCode: "ES",
    calleeInfo: { calleeId: 51, calleeObjectTypeId: "0-1" }, ownerId: settings.ownerId,
    subjectId: fromGlobalDialer ? 0 : 77, objectId: fromGlobalDialer ? 0 : 77, portalId: settings.portalId,
    startTimestamp: Date.now(), toPhoneNumberSrc: "mobilephone", threadId: 0 };
  // objectType names the page record, and is absent from the global dialer (§4.2).
  if (!fromGlobalDialer) payload.objectType = "COMPANY";
  return payload;
}

// Another origin posts into the widget through a hidden frame (it must be ignored).
function postFromForeignFrame(message) {
  const sender = document.createElement("iframe");
  sender.hidden = true;
  sender.src = `${state.widgetOrigin}/dev/sender?message=${encodeURIComponent(JSON.stringify(message))}`;
  document.body.append(sender);
}

const actions = {
  dialNumber: (overrides) => send("DIAL_NUMBER", { ...dialPayload(false), ...overrides }),
  dialNumberGlobal: (overrides) => send("DIAL_NUMBER", { ...dialPayload(true), ...overrides }),
  endCall: () => send("END_CALL"),
  minimize: () => send("VISIBILITY_CHANGED", { isMinimized: true, isHidden: false }),
  restore: () => send("VISIBILITY_CHANGED", { isMinimized: false, isHidden: false }),
  duplicateSync: () => post(syncMessage()),
  unknownType: () => send("UPDATE_ASSOCIATIONS_FAILED", {}),
  // An unknown type: had the widget taken it, its UNKNOWN_MESSAGE_TYPE answer would show here.
  wrongOrigin: () => postFromForeignFrame({ type: "WRONG_ORIGIN_PROBE", messageId: messageId(), data: dialPayload(false) }),
  foreignSync: () => postFromForeignFrame({ type: "SYNC", messageId: messageId(), hostUrl: state.widgetOrigin,
    portalId: 666, iframeLocation: "widget" }),
  reloadFrame: () => { frame.src = frame.src; },
};

window.hostLog = hostLog;
window.host = { settings, state, failures, send, post, startSync, actions,
  received: (type) => hostLog.filter((entry) => entry.direction === "in" && entry.type === type).map((entry) => entry.message) };

for (const [name, value] of Object.entries(settings)) {
  const field = document.querySelector(`#settings [name="${name}"]`);
  if (field) field.value = String(value);
}
document.querySelectorAll("[data-action]").forEach((button) => {
  button.addEventListener("click", () => actions[button.dataset.action]());
});
window.addEventListener("message", onMessage);
createFrame();
