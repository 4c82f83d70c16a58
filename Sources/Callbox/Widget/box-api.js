// The box's HTTP API and its live event stream, as the widget uses them (README "HTTP API").
// Every request is same-origin; the session is the HttpOnly cookie, and every state-changing
// request carries the CSRF token /api/login returned (kept in memory only, never stored).

/** A refused request: `status` and `code` from the box's `{"error": {code, message}}` body. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export class BoxApi {
  constructor() {
    this.csrfToken = null;
  }

  async request(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && this.csrfToken) headers["X-CSRF-Token"] = this.csrfToken;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: "include",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (failure) {
      throw new ApiError(0, "unreachable", "The box cannot be reached. Check the network and try again.");
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (failure) {
      payload = null;
    }
    if (!response.ok) {
      const error = (payload && payload.error) || {};
      throw new ApiError(response.status, error.code || "http_" + response.status,
        error.message || "The box answered " + response.status + ".", error);
    }
    return payload;
  }

  async login(email, password) {
    const answer = await this.request("POST", "/api/login", { email, password });
    this.csrfToken = answer.csrf_token;
    return answer;
  }

  /** The signed-in agent when the cookie still holds a live session, else null. */
  async me() {
    try {
      const answer = await this.request("GET", "/api/me");
      this.csrfToken = answer.csrf_token;
      return answer;
    } catch (error) {
      if (error.status === 401) return null;
      throw error;
    }
  }

  async logout() {
    try {
      await this.request("POST", "/api/logout");
    } finally {
      this.csrfToken = null;
    }
  }

  validatePermission(phone) { return this.request("POST", "/api/permissions/validate", { phone }); }
  requestPermission(phone) { return this.request("POST", "/api/permissions/request", { phone }); }
  permissionStatus(phone) { return this.request("GET", "/api/permissions/status/" + encodeURIComponent(phone)); }

  conversation(phone, limit) {
    const query = new URLSearchParams({ phone, limit: String(limit) });
    return this.request("GET", "/api/comms?" + query);
  }

  sendText(to, message, contactId) {
    const body = { to, message };
    if (contactId) body.contactId = String(contactId);
    return this.request("POST", "/api/whatsapp/send", body);
  }

  initiateCall(to, via, sdp, contactId) {
    const body = { to, via };
    if (sdp) body.sdp = sdp;
    if (contactId) body.contactId = String(contactId);
    return this.request("POST", "/api/calls/initiate", body);
  }

  answerCall(call, via, sdp) {
    const body = { via };
    if (sdp) body.sdp = sdp;
    return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/answer", body);
  }

  rejectCall(call) { return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/reject", {}); }
  endCall(call) { return this.request("POST", "/api/calls/end", { call }); }
  sendDigits(call, digits) { return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/dtmf", { digits }); }
  setMuted(call, muted) { return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/mute", { muted }); }
  callStatus(call) { return this.request("GET", "/api/calls/status/" + encodeURIComponent(call)); }
  recentCalls(limit) { return this.request("GET", "/api/calls/recent?limit=" + limit); }

  registerEngagement(call, engagementId) {
    return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/engagement", { engagementId: String(engagementId) });
  }

  reportCompleted(call, engagementId) {
    const body = engagementId ? { engagementId: String(engagementId) } : {};
    return this.request("POST", "/api/calls/" + encodeURIComponent(call) + "/completed", body);
  }
}

/** The event types `/api/events` sends (issue 5 contract, "Live events"). */
const EVENT_TYPES = ["hello", "reset", "call.incoming", "call.state", "call.answer_sdp",
  "permission.changed", "message.new", "message.status"];

/** Wait before reopening a stream the browser gave up on (the box asks for `retry: 2000`). */
const REOPEN_DELAY_MS = 2000;

/**
 * The live stream. The browser's EventSource reconnects by itself after a dropped connection
 * and sends Last-Event-ID; when it gives up (the box answered an error, e.g. during a restart)
 * this reopens it with `?last_event_id=` so the box still replays what was missed.
 */
export class BoxEvents {
  constructor(onEvent, onConnection) {
    this.onEvent = onEvent;
    this.onConnection = onConnection;
    this.lastId = null;
    this.source = null;
    this.reopenTimer = null;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    if (this.source) this.source.close();
    this.source = null;
    this.onConnection("offline");
  }

  /** The connection is lost as in a network failure; it is reopened with what was seen last. */
  drop() {
    if (this.stopped || !this.source) return;
    this.source.close();
    this.reconnectLater();
  }

  reconnectLater() {
    this.onConnection("reconnecting");
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => { if (!this.stopped) this.open(); }, REOPEN_DELAY_MS);
  }

  open() {
    const url = this.lastId === null ? "/api/events" : "/api/events?last_event_id=" + encodeURIComponent(this.lastId);
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    this.onConnection("connecting");
    source.onopen = () => this.onConnection("live");
    source.onerror = () => {
      if (this.stopped || source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.reconnectLater();
      } else {
        this.onConnection("reconnecting");
      }
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        if (message.lastEventId) this.lastId = message.lastEventId;
        let data = null;
        try {
          data = JSON.parse(message.data);
        } catch (failure) {
          return;
        }
        // hello names the newest event at connection time: a reconnect replays from there.
        if (type === "hello" && this.lastId === null && data.last_id !== undefined && data.last_id !== null) this.lastId = String(data.last_id);
        this.onConnection("live");
        this.onEvent(type, data);
      });
    }
  }
}
