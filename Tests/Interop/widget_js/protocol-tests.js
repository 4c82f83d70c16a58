// Unit tests of the widget's protocol module, loaded from the box exactly as it serves it.
// Results land in window.testResults; window.testsDone is set when all have run.
import CallingExtensions, { Constants } from "/widget/calling-extensions.js";
import CallingRelay from "/widget/calling-relay.js";
import { displayUser, samePhone } from "/widget/plain-words.js";

const HOST = "https://app.hubspot.com";
const WIDGET = "https://phone.example.net";
const tests = [];
const test = (name, body) => tests.push({ name, body });

function check(condition, text) {
  if (!condition) throw new Error(text);
}
function equal(actual, expected, text) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${text}: expected ${e}, got ${a}`);
}

// A window stand-in: what the module posts to its parent is recorded; deliver() plays an
// incoming MessageEvent with any origin and source.
function fakeWindow(origin = WIDGET) {
  const listeners = new Set();
  const sent = [];
  const parent = { postMessage: (message, target) => sent.push({ message: structuredClone(message), target }) };
  return {
    location: { origin }, parent, sent,
    addEventListener: (type, listener) => listeners.add(listener),
    removeEventListener: (type, listener) => listeners.delete(listener),
    deliver(data, { origin: from = HOST, source = parent } = {}) {
      for (const listener of listeners) listener({ data, origin: from, source });
    },
  };
}

function make(handlers = {}, options = {}) {
  const win = fakeWindow();
  const calls = [];
  const eventHandlers = {};
  for (const name of Object.values(Constants.handlerNames)) {
    eventHandlers[name] = (data, message) => calls.push({ name, data, message });
  }
  Object.assign(eventHandlers, handlers);
  const cti = new CallingExtensions({ hostOrigins: [HOST, "https://*.hubspotqa.com"], eventHandlers, window: win, ...options });
  return { cti, win, calls };
}

function sync(extra = {}) {
  return { type: "SYNC", messageId: "1732170000000_1732170000123", hostUrl: HOST, portalId: 123456, userId: 9876543,
    ownerId: 55512345, engagementId: 0, iframeLocation: "widget", usesCallingWindow: true, ...extra };
}

function ready(handlers, options) {
  const made = make(handlers, options);
  made.win.deliver(sync());
  made.win.sent.length = 0;
  made.calls.length = 0;
  return made;
}

test("nothing is sent before the handshake", () => {
  const { cti, win } = make();
  check(cti.initialized({ isLoggedIn: false }) === false, "initialized() reports it was not sent");
  cti.userLoggedIn();
  cti.outgoingCall({ externalCallId: "x" });
  equal(win.sent.length, 0, "messages posted");
});

test("SYNC_ACK copies the SYNC and adds version, iFrameUrl and debugMode", () => {
  const { win, cti } = make({}, { debugMode: false });
  win.deliver(sync());
  equal(win.sent.length, 1, "messages posted");
  const { message, target } = win.sent[0];
  equal(target, HOST, "target origin");
  equal(message, { ...sync(), type: "SYNC_ACK", debugMode: false, version: "0.9.6", iFrameUrl: WIDGET }, "SYNC_ACK");
  equal(cti.destinationOrigin, HOST, "destination");
});

test("READY is local and carries the SYNC context", () => {
  const { win, calls } = make();
  win.deliver(sync({ engagementId: 45012345678, iframeLocation: "window" }));
  equal(calls.map((c) => c.name), ["onReady"], "handlers called");
  equal(calls[0].data, { engagementId: 45012345678, portalId: 123456, userId: 9876543, ownerId: 55512345,
    iframeLocation: "window", usesCallingWindow: true, hostUrl: HOST }, "context");
  check(win.sent.every((s) => s.message.type !== "READY"), "READY never goes on the wire");
});

test("onReady can answer with initialized", () => {
  let cti;
  const made = make({ onReady: (context) => cti.initialized({ isLoggedIn: true, isAvailable: true,
    engagementId: context.engagementId, sizeInfo: { width: 400, height: 600 } }) });
  cti = made.cti;
  made.win.deliver(sync());
  equal(made.win.sent.map((s) => s.message.type), ["SYNC_ACK", "INITIALIZED"], "sent");
  equal(made.win.sent[1].message.data, { isLoggedIn: true, isAvailable: true, engagementId: 0, sizeInfo: { width: 400, height: 600 } }, "data");
});

test("a SYNC from a window other than the parent is ignored", () => {
  const { win, cti, calls } = make();
  win.deliver(sync(), { source: {} });
  win.deliver(sync(), { source: null });
  equal(win.sent.length, 0, "posted");
  equal(calls.length, 0, "handlers");
  check(!cti.isReady, "not ready");
  win.deliver(sync());
  check(cti.isReady, "the real SYNC still works afterwards");
});

test("a SYNC from an origin not allowed is ignored", () => {
  const { win, cti } = make();
  win.deliver(sync({ hostUrl: "https://evil.example" }), { origin: "https://evil.example" });
  win.deliver(sync({ hostUrl: undefined }), { origin: "http://app.hubspot.com" });
  equal(win.sent.length, 0, "posted");
  check(!cti.isReady, "not ready");
});

test("a SYNC whose hostUrl is not its origin is ignored", () => {
  const { win, cti } = make();
  win.deliver(sync({ hostUrl: "https://app-eu1.hubspot.com" }));
  equal(win.sent.length, 0, "posted");
  check(!cti.isReady, "not ready");
});

// HubSpot's own IFrameManager can send a SYNC with nothing but type, hostUrl and messageId:
// the handshake completes, READY carries just the host, and later messages flow.
test("a SYNC with only type, hostUrl and messageId completes the handshake", () => {
  const { win, cti, calls } = make();
  win.deliver({ type: "SYNC", hostUrl: HOST, messageId: "1732170000000_1" });
  check(cti.isReady, "ready");
  equal(win.sent.map((s) => s.message.type), ["SYNC_ACK"], "sent");
  equal(win.sent[0].target, HOST, "SYNC_ACK goes to the host");
  equal(calls.map((c) => c.name), ["onReady"], "handlers");
  equal(calls[0].data, { hostUrl: HOST }, "READY's context");
  equal(cti.iframeLocation, "widget", "no location means the classic widget");
  win.deliver({ type: "DIAL_NUMBER", messageId: "1732170000000_2", data: { phoneNumber: "+34600111222" } });
  equal(calls.map((c) => c.name), ["onReady", "onDialNumber"], "a later message is dispatched");
});

// Every production HubSpot UI domain (hubspot-recordings-and-inbound §4) may host the widget.
test("a SYNC from every HubSpot data centre's domain is accepted with the box's defaults", () => {
  for (const origin of ["https://app.hubspot.com", "https://app-eu1.hubspot.com", "https://app-na2.hubspot.com",
    "https://app-na3.hubspot.com", "https://app-ap1.hubspot.com"]) {
    const win = fakeWindow();
    const cti = new CallingExtensions({ hostOrigins: Constants.hubSpotOrigins, eventHandlers: {}, window: win });
    win.deliver({ type: "SYNC", hostUrl: origin, messageId: "1_1" }, { origin });
    check(cti.isReady, origin + " accepted");
  }
  for (const origin of ["https://local.hubspot.com", "https://app-na1.hubspot.com", "https://evil.example.com"]) {
    const win = fakeWindow();
    const cti = new CallingExtensions({ hostOrigins: Constants.hubSpotOrigins, eventHandlers: {}, window: win });
    win.deliver({ type: "SYNC", hostUrl: origin, messageId: "1_1" }, { origin });
    check(!cti.isReady, origin + " refused");
  }
});

// A username user (spec §11.4) has no number: the widget shows the username, else the user id.
test("a user without a number is shown by username, else by user id", () => {
  equal(displayUser("34600111222", "ana"), "+34600111222", "a number wins");
  equal(displayUser("US.13491208655302741918", "ana.ruiz_42"), "ana.ruiz_42 (WhatsApp username)", "username");
  equal(displayUser("US.13491208655302741918", ""), "WhatsApp user US.13491208655302741918", "user id");
  check(samePhone("US.13491208655302741918", "US.13491208655302741918"), "same id");
  check(!samePhone("US.13491208655302741918", "GB.13491208655302741918"), "ids compare whole, not by digits");
  check(samePhone("+34 600-111 222", "0034600111222"), "phones by digits");
});

test("a SYNC without hostUrl targets the sender's origin", () => {
  const { win, calls } = make();
  const message = sync();
  delete message.hostUrl;
  win.deliver(message);
  equal(win.sent[0].target, HOST, "target");
  check(!("hostUrl" in win.sent[0].message), "the echo adds no hostUrl");
  equal(calls[0].data.hostUrl, HOST, "context hostUrl");
});

test("wildcard host origins match subdomains only", () => {
  const { win, cti } = make();
  win.deliver(sync({ hostUrl: "https://app.hubspotqa.com" }), { origin: "https://app.hubspotqa.com" });
  check(cti.isReady, "subdomain accepted");
  const other = make();
  other.win.deliver(sync({ hostUrl: "https://hubspotqa.com" }), { origin: "https://hubspotqa.com" });
  check(!other.cti.isReady, "bare domain refused");
});

test("a second SYNC is ignored", () => {
  const { win, calls } = make();
  win.deliver(sync());
  win.deliver(sync({ messageId: "1732170000000_1732170000223" }));
  equal(win.sent.length, 1, "one SYNC_ACK");
  equal(calls.filter((c) => c.name === "onReady").length, 1, "one READY");
});

test("message ids are <instanceId>_<millis> and unique", () => {
  const { win, cti } = ready();
  cti.userLoggedIn();
  cti.userLoggedOut();
  cti.userAvailable();
  const ids = win.sent.map((s) => s.message.messageId);
  for (const id of ids) check(new RegExp(`^${cti.instanceId}_\\d{13}$`).test(id), `id ${id}`);
  equal(new Set(ids).size, ids.length, "unique ids");
  check(Math.abs(cti.instanceId - Date.now()) < 60000, "instanceId is a Date.now()");
});

test("every widget-to-HubSpot method sends its type and data", () => {
  const { win, cti } = ready();
  const call = { externalCallId: "3f2b", fromNumber: "+34911234567", toNumber: "+34600111222", callStartTime: 1732170002000, createEngagement: true };
  const rows = [
    ["initialized", { isLoggedIn: true, isAvailable: false, engagementId: 0, sizeInfo: { width: 400, height: 650 } }, "INITIALIZED"],
    ["userLoggedIn", undefined, "LOGGED_IN"],
    ["userLoggedOut", undefined, "LOGGED_OUT"],
    ["userAvailable", undefined, "USER_AVAILABLE"],
    ["userUnavailable", undefined, "USER_UNAVAILABLE"],
    ["outgoingCall", call, "OUTGOING_CALL_STARTED"],
    ["incomingCall", call, "INCOMING_CALL"],
    ["callAnswered", { externalCallId: "3f2b" }, "CALL_ANSWERED"],
    ["callEnded", { externalCallId: "3f2b", engagementId: 450, callEndStatus: Constants.callEndStatus.INTERNAL_COMPLETED }, "CALL_ENDED"],
    ["callCompleted", { externalCallId: "3f2b", engagementId: 450, hideWidget: false,
      engagementProperties: { hs_call_body: "notes", hs_call_duration: "56000", hs_call_status: "COMPLETED" } }, "CALL_COMPLETED"],
    ["callTransferred", { externalCallId: "3f2b" }, "CALL_TRANSFERRED"],
    ["sendError", { message: "WhatsApp line is offline" }, "ERROR"],
    ["resizeWidget", { width: 420, height: 670 }, "RESIZE_WIDGET"],
    ["navigateToRecord", { objectCoordinates: { portalId: 1, objectId: 51, objectTypeId: "0-1" } }, "NAVIGATE_TO_RECORD"],
    ["finalizeEngagement", { externalCallId: "3f2b", engagementId: 450 }, "FINALIZE_ENGAGEMENT"],
    ["publishToChannel", { externalCallId: "3f2b", engagementId: 450 }, "PUBLISH_TO_CHANNEL"],
  ];
  for (const [method, data, type] of rows) {
    win.sent.length = 0;
    check(cti[method](data) === true, `${method} reports sending`);
    equal(win.sent.length, 1, `${method} posts once`);
    const { message, target } = win.sent[0];
    equal(target, HOST, `${method} target`);
    equal(message.type, type, `${method} type`);
    equal(message.data, data, `${method} data`);
    if (data === undefined) check(!("data" in message), `${method} has no data`);
  }
  equal(Constants.callEndStatus.INTERNAL_COMPLETED, "COMPLETED", "end statuses have no prefix on the wire");
});

test("setWidgetUrl sends iFrameUrl at the top level and in data", () => {
  const { win, cti } = ready();
  cti.setWidgetUrl({ iFrameUrl: "https://phone.example.net/v2/" });
  const { message } = win.sent[0];
  equal(message.type, "SET_WIDGET_URL", "type");
  equal(message.iFrameUrl, "https://phone.example.net/v2/", "top level");
  equal(message.data, { iFrameUrl: "https://phone.example.net/v2/" }, "data");
});

test("every HubSpot-to-widget type reaches its handler with (data, message)", () => {
  const { win, calls } = ready();
  const expected = {
    DIAL_NUMBER: "onDialNumber", ENGAGEMENT_CREATED: "onEngagementCreated",
    CREATE_ENGAGEMENT_SUCCEEDED: "onCreateEngagementSucceeded", CREATE_ENGAGEMENT_FAILED: "onCreateEngagementFailed",
    UPDATE_ENGAGEMENT_SUCCEEDED: "onUpdateEngagementSucceeded", UPDATE_ENGAGEMENT_FAILED: "onUpdateEngagementFailed",
    CALLER_ID_MATCH_SUCCEEDED: "onCallerIdMatchSucceeded", CALLER_ID_MATCH_FAILED: "onCallerIdMatchFailed",
    NAVIGATE_TO_RECORD_FAILED: "onNavigateToRecordFailed", FINALIZE_ENGAGEMENT_SUCCEEDED: "onFinalizeEngagementSucceeded",
    FINALIZE_ENGAGEMENT_FAILED: "onFinalizeEngagementFailed", PUBLISH_TO_CHANNEL_SUCCEEDED: "onPublishToChannelSucceeded",
    PUBLISH_TO_CHANNEL_FAILED: "onPublishToChannelFailed", INITIATE_CALL_ID_SUCCEEDED: "onInitiateCallIdSucceeded",
    INITIATE_CALL_ID_FAILED: "onInitiateCallIdFailed", SET_WIDGET_URL_FAILED: "onSetWidgetUrlFailed",
    VISIBILITY_CHANGED: "onVisibilityChanged", END_CALL: "onEndCall", SET_CALL_STATE: "onSetCallState", FAILED: "onFailed",
  };
  let n = 0;
  for (const [type, handler] of Object.entries(expected)) {
    calls.length = 0;
    n += 1;
    const message = { type, messageId: `999_${n}`, data: { engagementId: n } };
    win.deliver(message);
    equal(calls.map((c) => c.name), [handler], `${type} handler`);
    equal(calls[0].data, { engagementId: n }, `${type} data`);
    equal(calls[0].message, message, `${type} whole message`);
  }
  equal(win.sent.length, 0, "known types are not answered");
});

test("DIAL_NUMBER keeps calleeInfo, including the global dialer's objectId 0", () => {
  const { win, calls } = ready();
  const data = { phoneNumber: "+34600111222", phone_number: "+34600111222", countryCode: "ES",
    calleeInfo: { calleeId: 51, calleeObjectTypeId: "0-1" }, ownerId: 55512345, subjectId: 0, objectId: 0,
    portalId: 123456, startTimestamp: 1732170100000, toPhoneNumberSrc: "mobilephone", threadId: 0 };
  win.deliver({ type: "DIAL_NUMBER", messageId: "999_1", data });
  equal(calls[0].data, data, "payload");
});

test("messages from another origin, or before the handshake, are dropped", () => {
  const early = make();
  early.win.deliver({ type: "DIAL_NUMBER", messageId: "999_1", data: {} });
  equal(early.calls.length, 0, "before the handshake");
  const { win, calls } = ready();
  win.deliver({ type: "DIAL_NUMBER", messageId: "999_2", data: {} }, { origin: "https://evil.example" });
  win.deliver({ type: "DIAL_NUMBER", messageId: "999_3", data: {} }, { origin: "https://app-eu1.hubspot.com" });
  win.deliver({ type: "NO_SUCH_TYPE", messageId: "999_4" }, { origin: "https://evil.example" });
  equal(calls.length, 0, "handlers");
  equal(win.sent.length, 0, "nothing answered");
});

test("messages without type or messageId are dropped", () => {
  const { win, calls } = ready();
  win.deliver({ type: "DIAL_NUMBER", data: {} });
  win.deliver({ messageId: "999_1", data: {} });
  win.deliver("DIAL_NUMBER");
  win.deliver(null);
  equal(calls.length, 0, "handlers");
  equal(win.sent.length, 0, "answers");
});

test("a message whose id starts with our instanceId is a reply and is not dispatched", () => {
  const { win, cti, calls } = ready();
  win.deliver({ type: "DIAL_NUMBER", messageId: `${cti.instanceId}_1`, data: {} });
  win.deliver({ type: "NO_SUCH_TYPE", messageId: `${cti.instanceId}9_1` });
  equal(calls.length, 0, "handlers");
  equal(win.sent.length, 0, "answers");
});

test("an unknown type is answered with ERROR UNKNOWN_MESSAGE_TYPE", () => {
  const { win, calls } = ready({ defaultEventHandler: () => calls.push({ name: "default" }) });
  const original = { type: "UPDATE_ASSOCIATIONS_FAILED", messageId: "999_7", data: { x: 1 } };
  win.deliver(original);
  equal(calls.length, 0, "no handler, not even the default");
  equal(win.sent.length, 1, "one answer");
  equal(win.sent[0].message.type, "ERROR", "type");
  equal(win.sent[0].message.data, { type: "UNKNOWN_MESSAGE_TYPE", data: { originalMessage: original } }, "data");
});

test("*_FAILED also reaches a handler keyed FAILED, not onFailed", () => {
  const seen = [];
  const { win } = ready({ FAILED: (data) => seen.push(["FAILED", data]), onFailed: (data) => seen.push(["onFailed", data]),
    onCreateEngagementFailed: (data) => seen.push(["onCreateEngagementFailed", data]) });
  win.deliver({ type: "CREATE_ENGAGEMENT_FAILED", messageId: "999_1", data: { error: { message: "no" } } });
  equal(seen.map((s) => s[0]), ["onCreateEngagementFailed", "FAILED"], "after a *_FAILED");
  seen.length = 0;
  win.deliver({ type: "FAILED", messageId: "999_2", data: {} });
  equal(seen.map((s) => s[0]), ["onFailed"], "a literal FAILED reaches onFailed only");
  seen.length = 0;
  win.deliver({ type: "CREATE_ENGAGEMENT_SUCCEEDED", messageId: "999_3", data: {} });
  equal(seen.length, 0, "a success reaches neither");
});

test("without a handler, defaultEventHandler gets the message", () => {
  const seen = [];
  const win = fakeWindow();
  new CallingExtensions({ hostOrigins: [HOST], window: win,
    eventHandlers: { defaultEventHandler: (data, message) => seen.push(message.type) } });
  win.deliver(sync());
  win.deliver({ type: "END_CALL", messageId: "999_1" });
  equal(seen, ["READY", "END_CALL"], "default handler");
});

test("the location says which instance sends call-lifecycle messages", () => {
  const rows = [["widget", false, true], ["widget", true, true], ["remote", false, true], ["remote", true, false],
    ["window", true, true], ["window", false, false]];
  for (const [location, usesCallingWindow, owns] of rows) {
    const { win, cti } = make();
    check(cti.iframeLocation === null && !cti.ownsCallLifecycle, "before SYNC");
    win.deliver(sync({ iframeLocation: location, usesCallingWindow }));
    equal([cti.iframeLocation, cti.usesCallingWindow, cti.ownsCallLifecycle], [location, usesCallingWindow, owns], `${location}/${usesCallingWindow}`);
  }
  const bare = make();
  const message = sync();
  delete message.iframeLocation;
  bare.win.deliver(message);
  equal(bare.cti.iframeLocation, "widget", "absent location means the classic widget");
});

test("the relay hands the remote instance's calls to the calling window, and events back", async () => {
  const name = `relay-test-${Date.now()}`;
  const remote = make();
  remote.win.deliver(sync({ iframeLocation: "remote", usesCallingWindow: true }));
  const window_ = make();
  window_.win.deliver(sync({ iframeLocation: "window", usesCallingWindow: true }));
  remote.win.sent.length = 0;
  window_.win.sent.length = 0;
  const events = [];
  const remoteRelay = new CallingRelay(remote.cti, { channel: new BroadcastChannel(name), onEvent: (type, data) => events.push([type, data]) });
  const windowRelay = new CallingRelay(window_.cti, { channel: new BroadcastChannel(name) });
  remoteRelay.call("outgoingCall", { externalCallId: "r1", toNumber: "+34600111222", createEngagement: true });
  await new Promise((resolve) => setTimeout(resolve, 100));
  equal(remote.win.sent.length, 0, "the remote instance sends nothing to HubSpot");
  equal(window_.win.sent.map((s) => [s.message.type, s.message.data.externalCallId]), [["OUTGOING_CALL_STARTED", "r1"]], "the window sends it");
  windowRelay.publish("CREATE_ENGAGEMENT_SUCCEEDED", { engagementId: 7 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  equal(events, [["CREATE_ENGAGEMENT_SUCCEEDED", { engagementId: 7 }]], "events reach the remote");
  let threw = false;
  try { remoteRelay.call("initialized", {}); } catch { threw = true; }
  check(threw, "only lifecycle methods are relayed");
  remoteRelay.close();
  windowRelay.close();
});

test("destroy stops listening", () => {
  const { win, cti, calls } = make();
  cti.destroy();
  win.deliver(sync());
  equal(calls.length, 0, "handlers");
});

window.testResults = [];
for (const { name, body } of tests) {
  try {
    await body();
    window.testResults.push({ name, ok: true });
  } catch (error) {
    window.testResults.push({ name, ok: false, error: String(error && error.stack || error) });
  }
}
document.getElementById("out").textContent = window.testResults.map((r) => `${r.ok ? "ok  " : "FAIL"} ${r.name}${r.error ? "\n     " + r.error : ""}`).join("\n");
window.testsDone = true;
