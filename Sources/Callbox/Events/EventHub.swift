// Events/ owns the widgets' live event streams and the feeds that fill them from calls and
// messages. It may use Calls/ (the call table, for what a ringing call shows); API/ uses it.

import Runtime

/// `GET /api/events`: one Server-Sent Events stream per widget (issue 5 item 4). Every
/// event goes into a bounded ring and to each open stream whose agent may see it; a
/// reconnecting widget gets what it missed from the ring, or `reset` when the ring has
/// moved past it. Streams end with their session (sign-out, expiry) and on shutdown.
final class EventHub {
    /// A comment line every 15 s keeps proxies and the server's idle timeout (30 s) from
    /// closing a quiet stream, and finds clients that went away.
    static let heartbeatMilliseconds: Int64 = 15_000
    /// What the browser waits before reconnecting (the `retry:` field).
    static let retryMilliseconds = 2_000
    /// A few tabs per agent; more is a leak in a widget, not a need.
    static let maxStreamsPerAgent = 4
    /// Well inside the server's 256 connections, leaving room for Meta's webhooks.
    static let maxStreams = 64
    /// A client this far behind (a few hundred events) is dropped; it reconnects and
    /// replays or resets. A replay larger than this is a reset too.
    static let streamQueueBytes = 128 * 1024

    private struct Watcher {
        var agent: String
        var tokenHash: [UInt8]
        var stream: HTTPStream
    }

    private var ring: EventRing
    private var watchers: [ObjectIdentifier: Watcher] = [:]
    private let loop: EventLoop
    private let now: () -> Int64
    private let log = Logger("events")
    /// Whether a session (by token hash) is still live; streams of ended sessions close at
    /// the next heartbeat.
    private let sessionIsLive: ([UInt8]) -> Bool
    private var heartbeat: EventLoop.TimerID?

    init(loop: EventLoop, capacity: Int = EventRing.defaultCapacity, now: @escaping () -> Int64 = { WallClock.milliseconds() },
         sessionIsLive: @escaping ([UInt8]) -> Bool = { _ in true }) {
        self.loop = loop
        self.sessionIsLive = sessionIsLive
        self.now = now
        ring = EventRing(capacity: capacity)
    }

    /// The agents with at least one open stream: "signed in" for ringing.
    var watchingAgents: Set<String> { Set(watchers.values.filter { !$0.stream.isClosed }.map(\.agent)) }

    /// Open streams, for `/metrics`.
    var openStreams: Int { watchers.count }

    @discardableResult
    func publish(_ type: String, _ data: JSONValue, to audience: LiveEvent.Audience = .everyone) -> LiveEvent {
        let event = ring.append(type: type, data: data, audience: audience)
        let frame = event.frame
        for watcher in watchers.values where audience.includes(watcher.agent) && !watcher.stream.isClosed {
            if !watcher.stream.send(frame) {
                log.notice("event stream dropped: the client is too far behind", ["agent": watcher.agent])
            }
        }
        return event
    }

    /// The route: opens a stream for the signed-in agent.
    func open(_ request: ApiRequest, _ responder: HTTPResponder) {
        let lastSeen = request.http.header("last-event-id") ?? request.http.queryValue("last_event_id")
        switch attach(agent: request.session.agent.name, tokenHash: request.session.tokenHash, lastEventID: lastSeen) {
        case let .opened(stream):
            responder.respond(HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ApiResponse.noStore,
                                                                  ("X-Accel-Buffering", "no")], stream: stream))
        case let .refused(response):
            responder.respond(response)
        }
    }

    enum Attachment {
        case opened(HTTPStream)
        case refused(HTTPResponse)
    }

    /// A new stream for `agent`, starting with `retry`, `hello`, and what it missed after
    /// `lastEventID` (or `reset`).
    func attach(agent: String, tokenHash: [UInt8], lastEventID: String?) -> Attachment {
        guard watchers.count < Self.maxStreams else {
            return .refused(ApiResponse.error(429, "too_many_streams", "the box has \(Self.maxStreams) event streams open"))
        }
        guard watchers.values.filter({ $0.agent == agent }).count < Self.maxStreamsPerAgent else {
            return .refused(ApiResponse.error(429, "too_many_streams",
                                              "\(agent) has \(Self.maxStreamsPerAgent) event streams open; close a tab"))
        }
        let resumeAfter: UInt64?
        switch lastEventID.map({ $0.trimmed() }) {
        case nil, ""?: resumeAfter = nil
        case let text?:
            guard let id = UInt64(text) else {
                return .refused(ApiResponse.error(400, "bad_last_event_id", "Last-Event-ID is the number of an event"))
            }
            resumeAfter = id
        }
        let stream = HTTPStream(capacityBytes: Self.streamQueueBytes)
        var opening = Array("retry: \(Self.retryMilliseconds)\n\n".utf8)
        opening += LiveEvent.frame(type: "hello", data: ["agent": .string(agent), "server_time_ms": .integer(now()),
                                                          "last_id": .integer(Int64(ring.lastID))])
        if let resumeAfter {
            var replay: [UInt8] = []
            var reset: String?
            switch ring.replay(after: resumeAfter, for: agent) {
            case let .events(missed):
                for event in missed { replay += event.frame }
                if opening.count + replay.count > Self.streamQueueBytes { reset = "replay_too_large" }
            case let .reset(reason):
                reset = reason
            }
            opening += reset.map { LiveEvent.frame(type: "reset", data: ["reason": .string($0)], id: ring.lastID) } ?? replay
        }
        stream.send(opening)
        let key = ObjectIdentifier(stream)
        watchers[key] = Watcher(agent: agent, tokenHash: tokenHash, stream: stream)
        stream.onEnd = { [weak self] in
            guard let self, self.watchers.removeValue(forKey: key) != nil else { return }
            self.log.info("event stream closed", ["agent": agent, "open": "\(self.watchers.count)"])
        }
        log.info("event stream opened", ["agent": agent, "open": "\(watchers.count)",
                                         "after": resumeAfter.map { "\($0)" } ?? "-"])
        scheduleHeartbeat()
        return .opened(stream)
    }

    /// A session ended (sign-out): its streams close now.
    func endSession(tokenHash: [UInt8]) {
        for watcher in watchers.values where watcher.tokenHash == tokenHash { watcher.stream.close() }
    }

    private func scheduleHeartbeat() {
        guard heartbeat == nil else { return }
        heartbeat = loop.schedule(afterMilliseconds: Self.heartbeatMilliseconds) { [weak self] in
            guard let self else { return }
            self.heartbeat = nil
            self.beat()
            if !self.watchers.isEmpty { self.scheduleHeartbeat() }
        }
    }

    /// `: ping` to every stream; streams of sessions that expired close instead.
    func beat() {
        let ping = Array(": ping\n\n".utf8)
        for watcher in watchers.values {
            if sessionIsLive(watcher.tokenHash) {
                watcher.stream.send(ping)
            } else {
                watcher.stream.close()
            }
        }
    }
}
