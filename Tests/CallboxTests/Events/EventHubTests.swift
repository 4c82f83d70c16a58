import CallCore
import Runtime
import Testing
@testable import Callbox
@testable import Runtime

@Suite struct EventRingTests {
    @Test func replaysWhatTheAgentMayHaveSeenAfterTheGivenID() {
        var ring = EventRing(capacity: 8)
        ring.append(type: "call.state", data: ["n": 1], audience: .everyone)
        ring.append(type: "call.incoming", data: ["n": 2], audience: .agent("ana"))
        ring.append(type: "call.incoming", data: ["n": 3], audience: .everyoneBut("ana"))
        ring.append(type: "call.state", data: ["n": 4], audience: .everyone)
        #expect(ring.lastID == 4)
        guard case let .events(forAna) = ring.replay(after: 1, for: "ana"),
              case let .events(forBen) = ring.replay(after: 1, for: "ben") else {
            Issue.record("expected a replay")
            return
        }
        #expect(forAna.map(\.id) == [2, 4])
        #expect(forBen.map(\.id) == [3, 4])
        #expect(ring.replay(after: 4, for: "ana") == .events([]), "up to date: nothing to replay")
        #expect(ring.replay(after: 0, for: "ben").eventIDs == [1, 3, 4], "0 means from the start, which the ring still holds")
    }

    @Test func anIDThatLeftTheRingOrIsFromBeforeARestartIsAReset() {
        var ring = EventRing(capacity: 3)
        for n in 1...5 { ring.append(type: "message.new", data: ["n": .integer(Int64(n))], audience: .everyone) }
        #expect(ring.events.map(\.id) == [3, 4, 5], "bounded: the oldest fall out")
        #expect(ring.replay(after: 2, for: "ana").eventIDs == [3, 4, 5], "the next one is still there")
        #expect(ring.replay(after: 1, for: "ana") == .reset(reason: "buffer_overflow"))
        #expect(ring.replay(after: 9, for: "ana") == .reset(reason: "unknown_id"))
    }

    @Test func framesFollowTheEventStreamFormat() {
        let event = LiveEvent(id: 7, type: "call.state", data: ["call": "wacid.1", "text": "a\nb"], audience: .everyone)
        let text = String(decoding: event.frame, as: UTF8.self)
        #expect(text == "id: 7\nevent: call.state\ndata: {\"call\":\"wacid.1\",\"text\":\"a\\nb\"}\n\n")
    }
}

extension EventRing.Replay {
    var eventIDs: [UInt64]? {
        guard case let .events(events) = self else { return nil }
        return events.map(\.id)
    }
}

@Suite struct EventHubTests {
    let loop = EventLoop()

    func hub(sessionIsLive: @escaping ([UInt8]) -> Bool = { _ in true }) -> EventHub {
        EventHub(loop: loop, capacity: 4, now: { 1_000 }, sessionIsLive: sessionIsLive)
    }

    func stream(_ attachment: EventHub.Attachment) -> HTTPStream? {
        guard case let .opened(stream) = attachment else { return nil }
        return stream
    }

    /// Everything queued on the stream so far, as text.
    func drain(_ stream: HTTPStream) -> String {
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let count = bytes.withUnsafeMutableBytes { stream.take(into: $0) }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }

    @Test func aStreamStartsWithRetryAndHelloThenGetsWhatItsAgentMaySee() throws {
        let events = hub()
        let ana = try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: nil)))
        let ben = try #require(stream(events.attach(agent: "ben", tokenHash: [2], lastEventID: nil)))
        #expect(drain(ana) == "retry: 2000\n\nevent: hello\ndata: {\"agent\":\"ana\",\"server_time_ms\":1000,\"last_id\":0}\n\n")
        _ = drain(ben)
        events.publish("call.incoming", ["call": "wacid.1"], to: .agent("ana"))
        events.publish("call.state", ["call": "wacid.1", "state": "active"])
        #expect(drain(ana) == "id: 1\nevent: call.incoming\ndata: {\"call\":\"wacid.1\"}\n\nid: 2\nevent: call.state\ndata: {\"call\":\"wacid.1\",\"state\":\"active\"}\n\n")
        #expect(drain(ben) == "id: 2\nevent: call.state\ndata: {\"call\":\"wacid.1\",\"state\":\"active\"}\n\n")
        #expect(events.watchingAgents == ["ana", "ben"])
    }

    @Test func aReconnectReplaysWhatWasMissedOrResets() throws {
        let events = hub()
        for n in 1...3 { events.publish("message.new", ["n": .integer(Int64(n))]) }
        let back = try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: "1")))
        let replayed = drain(back)
        #expect(replayed.contains("\"last_id\":3"))
        #expect(replayed.hasSuffix("id: 2\nevent: message.new\ndata: {\"n\":2}\n\nid: 3\nevent: message.new\ndata: {\"n\":3}\n\n"))
        for n in 4...9 { events.publish("message.new", ["n": .integer(Int64(n))]) }
        let late = try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: " 3 ")))
        #expect(drain(late).hasSuffix("id: 9\nevent: reset\ndata: {\"reason\":\"buffer_overflow\"}\n\n"))
        let big = JSONValue.string(String(repeating: "x", count: EventHub.streamQueueBytes / 4))
        let crowded = EventHub(loop: loop, capacity: 8, now: { 1_000 })
        for _ in 1...5 { crowded.publish("message.new", ["body": big]) }
        let tooMuch = try #require(stream(crowded.attach(agent: "ana", tokenHash: [1], lastEventID: "0")))
        #expect(drain(tooMuch).hasSuffix("id: 5\nevent: reset\ndata: {\"reason\":\"replay_too_large\"}\n\n"))
        guard case let .refused(bad) = events.attach(agent: "ana", tokenHash: [1], lastEventID: "abc") else {
            Issue.record("a Last-Event-ID that is no number is refused")
            return
        }
        #expect(bad.status == 400)
    }

    @Test func streamsAreLimitedPerAgentAndClosedWithTheirSession() throws {
        let events = hub()
        var opened: [HTTPStream] = []
        for _ in 0..<EventHub.maxStreamsPerAgent {
            opened.append(try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: nil))))
        }
        guard case let .refused(tooMany) = events.attach(agent: "ana", tokenHash: [1], lastEventID: nil) else {
            Issue.record("one stream too many is refused")
            return
        }
        #expect(tooMany.status == 429)
        let ben = try #require(stream(events.attach(agent: "ben", tokenHash: [2], lastEventID: nil)))
        events.endSession(tokenHash: [1])
        #expect(opened.allSatisfy { $0.isClosed })
        #expect(!ben.isClosed)
        #expect(events.watchingAgents == ["ben"])
    }

    @Test func theHeartbeatPingsLiveSessionsAndClosesExpiredOnes() throws {
        let events = hub(sessionIsLive: { $0 == [1] })
        let ana = try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: nil)))
        let ben = try #require(stream(events.attach(agent: "ben", tokenHash: [2], lastEventID: nil)))
        _ = drain(ana)
        events.beat()
        #expect(drain(ana) == ": ping\n\n")
        #expect(ben.isClosed)
    }

    @Test func aClientThatStopsReadingIsDroppedNotBuffered() throws {
        let events = hub()
        let slow = try #require(stream(events.attach(agent: "ana", tokenHash: [1], lastEventID: nil)))
        let body = JSONValue.string(String(repeating: "x", count: 1_000))
        var published = 0
        while !slow.isClosed && published < 1_000 {
            events.publish("message.new", ["body": body])
            published += 1
        }
        #expect(slow.isClosed)
        #expect(published * 1_000 <= EventHub.streamQueueBytes + 2_000, "dropped once its queue was full")
        #expect(slow.queuedBytes <= EventHub.streamQueueBytes)
    }
}
