import Testing
@testable import CallCore

private func snapshot(_ state: CallState.Name, _ direction: CallDirection = .inbound, id: CallId? = inboundId,
                      answerer: Answerer? = nil, offeredAt: Instant = start, answeredAt: Instant? = nil) -> CallSnapshot {
    CallSnapshot(id: id, direction: direction, remote: user, business: business, state: state,
                 offeredAt: offeredAt, answeredAt: answeredAt, answerer: answerer)
}

/// A table after a restart: the given calls restored, then `recover` run at `now`.
private func recovered(_ snapshots: [CallSnapshot], at now: Instant) throws -> (Harness, [CallAction], [CallHandle]) {
    var h = Harness()
    h.now = now
    let handles = try snapshots.map { try h.table.restore($0) }
    var buffer = ActionBuffer.forRecovery(of: h.table.policy)
    h.table.recover(at: now, into: &buffer)
    return (h, Array(buffer), handles)
}

@Suite struct RecoveryTests {
    @Test func aRingingCallKeepsRingingUntilItsOriginalDeadline() throws {
        let (h, actions, handles) = try recovered([snapshot(.ringing)], at: start + .seconds(10))
        let call = handles[0]
        #expect(actions == [
            .ring(call),
            .armTimer(call, ArmedTimer(kind: .ringTimeout, deadline: start + .seconds(45), generation: 1)),
            .notify(call, .ringing(.inbound)),
        ])
        #expect(h.table.counters.calls(in: .ringing) == 1)
    }

    @Test func aRingingCallPastItsDeadlineIsMissedAndRejected() throws {
        let (h, actions, _) = try recovered([snapshot(.ringing)], at: start + .seconds(50))
        #expect(actions.transitions.map(\.event) == [.recovery])
        #expect(actions.graphRequests == [.reject])
        #expect(actions.records.map(\.outcome) == [.missed])
        #expect(h.table.liveCount == 0)
    }

    @Test(arguments: [CallState.Name.answering, .active])
    func aHandsetCallWhoseMediaDiedIsTerminatedAndRecordedOnce(state: CallState.Name) throws {
        var (h, actions, handles) = try recovered(
            [snapshot(state, answerer: .handset, answeredAt: state == .active ? start + .seconds(5) : nil)],
            at: start + .seconds(100))
        #expect(actions.graphRequests == [.terminate])
        #expect(actions.records.isEmpty)
        #expect(actions.transitions.map(\.to) == [.ending])
        #expect(!actions.contains(.stopMedia(handles[0])), "the media is gone already")
        let done = h.send(ok(inboundId, .terminate))
        #expect(done.records.map(\.outcome) == [.failed])
        #expect(done.records.first?.endReason == .lostInRestart)
        #expect(h.send(.terminated(Termination(id: inboundId, status: .completed))).records.isEmpty)
    }

    @Test func aBrowserCallStaysTracked() throws {
        var (h, actions, handles) = try recovered(
            [snapshot(.active, answerer: .browser(agent: 1), answeredAt: start + .seconds(5))], at: start + .seconds(100))
        let call = handles[0]
        #expect(actions == [.notify(call, .active(ActiveMedia(remoteSDPReceived: true, mediaConnected: true)))])
        let end = h.send(.terminated(Termination(id: inboundId, status: .completed, duration: .seconds(95))))
        #expect(end.records.map(\.outcome) == [.completed])
        #expect(end.contains(.stopMedia(call)), "the widget is told to drop its media")
    }

    @Test func aDialingCallWithoutAnIdFails() throws {
        let (_, actions, _) = try recovered([snapshot(.dialing, .outbound, id: nil, answerer: .handset)], at: start + .seconds(2))
        #expect(actions.graphRequests.isEmpty)
        #expect(actions.records.map(\.outcome) == [.failed])
        #expect(actions.records.first?.endReason == .lostInRestart)
    }

    @Test func anOutboundBrowserCallKeepsItsDialDeadline() throws {
        let (_, actions, handles) = try recovered([snapshot(.ringing, .outbound, id: outboundId, answerer: .browser(agent: 0))], at: start + .seconds(20))
        #expect(actions.contains(.armTimer(handles[0], ArmedTimer(kind: .dialTimeout, deadline: start + .seconds(60), generation: 1))))
        let (_, late, _) = try recovered([snapshot(.ringing, .outbound, id: outboundId, answerer: .browser(agent: 0))], at: start + .seconds(61))
        #expect(late.graphRequests == [.terminate])
    }

    @Test func anOutboundHandsetCallIsTerminated() throws {
        let (_, actions, _) = try recovered([snapshot(.ringing, .outbound, id: outboundId, answerer: .handset)], at: start + .seconds(20))
        #expect(actions.graphRequests == [.terminate])
    }

    @Test func anEndingCallSendsTerminateAgain() throws {
        var (h, actions, _) = try recovered([snapshot(.ending, answerer: .handset, answeredAt: start)], at: start + .seconds(20))
        #expect(actions.graphRequests == [.terminate])
        #expect(actions.transitions.isEmpty)
        #expect(h.send(ok(inboundId, .terminate)).records.count == 1)
    }

    @Test func everyCallIsDecidedInOnePass() throws {
        let calls = [
            snapshot(.ringing, id: CallId("wacid.a")!),
            snapshot(.active, id: CallId("wacid.b")!, answerer: .handset),
            snapshot(.active, id: CallId("wacid.c")!, answerer: .browser(agent: 3)),
            snapshot(.dialing, .outbound, id: nil, answerer: .api),
        ]
        let (h, actions, _) = try recovered(calls, at: start + .seconds(10))
        #expect(actions.records.count == 1)
        #expect(actions.graphRequests == [.terminate])
        #expect(h.table.liveCount == 3)
    }

    @Test func restoreRefusesWhatCannotBeLive() throws {
        var h = Harness(policy: CallPolicy(maxCalls: 1))
        #expect(throws: RestoreError.terminalState) { try h.table.restore(snapshot(.ended)) }
        #expect(throws: RestoreError.missingCallId) { try h.table.restore(snapshot(.ringing, id: nil)) }
        #expect(throws: RestoreError.impossibleState) { try h.table.restore(snapshot(.answering, .outbound)) }
        #expect(throws: RestoreError.impossibleState) { try h.table.restore(snapshot(.dialing, .inbound, id: nil)) }
        try h.table.restore(snapshot(.ringing))
        #expect(throws: RestoreError.duplicateCall) { try h.table.restore(snapshot(.active)) }
        #expect(throws: RestoreError.tableFull) { try h.table.restore(snapshot(.active, id: outboundId)) }
    }

    @Test func stateNamesAreStable() {
        #expect(CallState.Name.allCases.map(\.rawValue) == ["dialing", "ringing", "answering", "active", "ending", "ended", "missed", "rejected", "failed"])
        #expect(CallEvent.Kind.allCases.map(\.rawValue) == [
            "incoming_connect", "remote_answer", "status", "terminate", "answer", "decline", "hangup", "dial",
            "graph_outcome", "connect_succeeded", "connect_failed", "media_connected", "media_lost", "timer_fired", "recovery",
        ])
    }
}

@Suite struct CountersTests {
    @Test func gaugesFollowLiveCallsAndTotalsFollowEndedOnes() {
        var h = Harness()
        h.ringIn(CallId("wacid.a")!)
        let b = h.ringIn(CallId("wacid.b")!)
        h.send(.answer(.handle(b), .handset))
        #expect(h.table.counters.calls(in: .ringing) == 1)
        #expect(h.table.counters.calls(in: .answering) == 1)
        h.send(.terminated(Termination(id: CallId("wacid.a")!, status: .completed)))
        h.send(.terminated(Termination(id: CallId("wacid.a")!, status: .completed)))
        h.send(.status(CallId("wacid.z")!, .ringing))
        #expect(h.table.counters.calls(in: .ringing) == 0)
        #expect(h.table.counters.calls(in: .missed) == 1)
        #expect(h.table.counters.refusals(.recentlyEnded) == 1)
        #expect(h.table.counters.refusals(.unknownCall) == 1)
        #expect(h.table.slot(b)?.events == 2)
    }

    @Test func recentlyEndedGrowsWithTheTable() {
        #expect(RecentlyEndedCalls(for: CallPolicy(maxCalls: 100)).capacity == 400)
    }

    @Test func recentlyEndedForgetsTheOldestFirst() {
        var ring = RecentlyEndedCalls(for: CallPolicy())
        #expect(ring.capacity == RecentlyEndedCalls.minimumCapacity)
        let ids = (0...ring.capacity).map { CallId("wacid.\($0)")! }
        for id in ids { ring.remember(id) }
        ring.remember(ids[ring.capacity])
        #expect(ring.count == ring.capacity)
        #expect(!ring.contains(ids[0]))
        #expect(ring.contains(ids[1]))
        #expect(ring.contains(ids[ring.capacity]))
    }
}
