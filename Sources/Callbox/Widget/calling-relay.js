// Relays call-lifecycle messages between instances of the widget open at once (§6.6 of
// hubspot-calling-extensions.md): with usesCallingWindow the "remote" instance sends nothing
// to HubSpot and hands its actions to the "window" instance over a same-origin
// BroadcastChannel; HubSpot's answers go back the same way so every instance's screen follows.

// One channel per HubSpot portal: two portals open in one browser never mix.
const CHANNEL_PREFIX = "callbox-calling-";

// The CallingExtensions methods that carry a call's lifecycle and may be relayed.
const RELAYED_METHODS = new Set(["outgoingCall", "incomingCall", "callAnswered", "callEnded", "callCompleted",
  "callTransferred", "navigateToRecord", "finalizeEngagement", "publishToChannel", "sendError"]);

export default class CallingRelay {
  // cti: a CallingExtensions past its handshake. onEvent(type, data): HubSpot's messages as
  // the owning instance received them (it calls publish). channel: tests only.
  constructor(cti, { onEvent, channel } = {}) {
    this.cti = cti;
    this.onEvent = onEvent || (() => {});
    const portal = (cti.context && cti.context.portalId) || "default";
    this.channel = channel || new BroadcastChannel(CHANNEL_PREFIX + portal);
    this.channel.onmessage = (event) => this.receive(event.data);
  }

  // Calls cti[method](data) here when this instance owns the lifecycle, else on the owner.
  call(method, data) {
    if (!RELAYED_METHODS.has(method)) throw new Error(`not a relayed method: ${method}`);
    if (this.cti.ownsCallLifecycle) return this.cti[method](data);
    this.channel.postMessage({ kind: "call", method, data });
    return true;
  }

  // The owner shares a HubSpot message (e.g. CREATE_ENGAGEMENT_SUCCEEDED) with the others.
  publish(type, data) {
    if (this.cti.ownsCallLifecycle) this.channel.postMessage({ kind: "event", type, data });
  }

  receive(message) {
    if (!message || typeof message !== "object") return;
    if (message.kind === "call" && this.cti.ownsCallLifecycle && RELAYED_METHODS.has(message.method)) {
      this.cti[message.method](message.data);
    } else if (message.kind === "event" && !this.cti.ownsCallLifecycle) {
      this.onEvent(message.type, message.data);
    }
  }

  close() { this.channel.close(); }
}
