import Testing
@testable import CallCore

private func transition(_ call: CallHandle, _ id: CallId?, _ from: CallState?, _ to: CallState, _ event: CallEvent.Kind, _ at: Instant) -> CallAction {
    .journal(Transition(call: call, id: id, from: from, to: to, event: event, at: at))
}

private func timer(_ kind: TimerKind, _ deadline: Instant, _ generation: UInt32) -> ArmedTimer {
    ArmedTimer(kind: kind, deadline: deadline, generation: generation)
}

private func request(_ id: CallId, _ call: CallHandle?, _ action: GraphCallAction) -> CallAction {
    .graph(GraphRequest(call: id, handle: call, action: action))
}

@Suite struct InboundFlowTests {
    @Test func answeredCallRunsPreAcceptAcceptMediaAndEndsOnTerminateWebhook() {
        var h = Harness()
        let t0 = h.now
        let ringing = CallState.ringing(.inbound)
        let connectActions = h.send(incoming())
        let call = h.table.slot(for: inboundId)!.handle
        #expect(connectActions == [
            transition(call, inboundId, nil, ringing, .incomingConnect, t0),
            .ring(call),
            .armTimer(call, timer(.ringTimeout, t0 + .seconds(45), 1)),
            .notify(call, ringing),
        ])

        h.advance(.seconds(5))
        let t1 = h.now
        #expect(h.table.answer(.id(inboundId), by: .handset, at: t1, into: &h.actions) == call)
        #expect(Array(h.actions) == [
            transition(call, inboundId, ringing, .answering(.preAccepting), .answer, t1),
            .stopRinging(call),
            request(inboundId, call, .preAccept),
            .cancelTimer(call, .ringTimeout),
            .armTimer(call, timer(.answerTimeout, t1 + .seconds(20), 2)),
            .notify(call, .answering(.preAccepting)),
        ])

        #expect(h.send(ok(inboundId, .preAccept)) == [
            transition(call, inboundId, .answering(.preAccepting), .answering(.accepting), .graphOutcome, t1),
            request(inboundId, call, .accept(reusingPreAcceptSDP: true)),
            .notify(call, .answering(.accepting)),
        ])

        h.advance(.seconds(1))
        let t2 = h.now
        let noMedia = CallState.active(ActiveMedia(remoteSDPReceived: true, mediaConnected: false))
        let talking = CallState.active(ActiveMedia(remoteSDPReceived: true, mediaConnected: true))
        #expect(h.send(ok(inboundId, .accept(reusingPreAcceptSDP: true))) == [
            transition(call, inboundId, .answering(.accepting), noMedia, .graphOutcome, t2),
            .startMedia(call),
            .cancelTimer(call, .answerTimeout),
            .armTimer(call, timer(.noMediaGuard, t2 + .seconds(30), 3)),
            .notify(call, noMedia),
        ])

        #expect(h.send(.mediaConnected(.handle(call))) == [
            transition(call, inboundId, noMedia, talking, .mediaConnected, t2),
            .cancelTimer(call, .noMediaGuard),
            .notify(call, talking),
        ])

        h.advance(.seconds(408))
        let t3 = h.now
        let record = CallRecord(
            call: call, id: inboundId, direction: .inbound, remote: user, business: business,
            offeredAt: t0, answeredAt: t2, endedAt: t3, duration: .seconds(408), outcome: .completed,
            answerer: .handset, endReason: .remoteHangup)
        #expect(h.send(.terminated(Termination(id: inboundId, status: .completed, duration: .seconds(408)))) == [
            transition(call, inboundId, talking, .ended, .terminated, t3),
            .stopMedia(call),
            .record(record),
            .notify(call, .ended),
        ])
        #expect(h.table.liveCount == 0)
        #expect(h.table.counters.calls(in: .ended) == 1)
        #expect(h.table.counters.calls(in: .active) == 0)
        #expect(h.send(incoming(at: h.now)).refusals == [.recentlyEnded])
    }

    @Test func withoutPreAcceptTheAnswerGoesStraightToAccept() {
        var h = Harness(policy: CallPolicy(preAccept: false))
        let call = h.ringIn()
        let actions = h.send(.answer(.handle(call), .browser(agent: 2)))
        #expect(actions.graphRequests == [.accept(reusingPreAcceptSDP: false)])
        #expect(h.slot(call)?.state == .answering(.accepting))
        #expect(h.slot(call)?.answerer == .browser(agent: 2))
        h.send(ok(inboundId, .accept(reusingPreAcceptSDP: false)))
        #expect(h.slot(call)?.state.name == .active)
    }

    @Test func ringTimeoutRejectsOnceAndRecordsAMissedCall() {
        var h = Harness()
        let call = h.ringIn()
        h.advance(.seconds(45))
        let fired = h.firing(call)
        let actions = h.send(fired)
        #expect(actions.graphRequests == [.reject])
        #expect(actions.records.map(\.outcome) == [.missed])
        #expect(actions.records.first?.endReason == .ringTimeout)
        #expect(actions.contains(.stopRinging(call)))
        #expect(!actions.contains(.cancelTimer(call, .ringTimeout)), "the fired timer needs no cancel")
        #expect(h.send(fired).refusals == [.staleTimer])
        let late = h.send(.terminated(Termination(id: inboundId, status: .completed)))
        #expect(late.refusals == [.recentlyEnded])
        #expect(late.records.isEmpty)
        #expect(h.send(ok(inboundId, .reject)).refusals == [.recentlyEnded])
        #expect(h.table.counters.calls(in: .missed) == 1)
    }

    @Test(arguments: [
        (Termination(id: inboundId, status: .completed, duration: .seconds(90), startedAt: start, endedAt: start + .seconds(95)), TimeSpan.seconds(90)),
        (Termination(id: inboundId, status: .completed, startedAt: start + .seconds(2), endedAt: start + .seconds(62)), .seconds(60)),
        (Termination(id: inboundId, status: .completed, endedAt: start + .seconds(62)), .seconds(40)),
    ])
    func theRecordPrefersMetasDuration(termination: Termination, duration: TimeSpan) {
        var h = Harness()
        h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        h.send(ok(inboundId, .preAccept))
        h.send(ok(inboundId, .accept(reusingPreAcceptSDP: true)))
        h.advance(.seconds(40))
        #expect(h.send(.terminated(termination)).records.map(\.duration) == [duration])
    }

    @Test func liveCallsCanBeListedForMetricsAndTheWidget() {
        var h = Harness()
        h.ringIn()
        h.dialOut()
        var names: [CallState.Name] = []
        h.table.forEachLiveCall { names.append($0.state.name) }
        #expect(names == [.ringing, .dialing])
    }

    @Test func declineRejectsAtMeta() {
        var h = Harness()
        let call = h.ringIn()
        let actions = h.table.decline(.id(inboundId), at: h.now, into: &h.actions)
        #expect(actions == call)
        #expect(Array(h.actions).graphRequests == [.reject])
        #expect(Array(h.actions).records.map(\.endReason) == [.localDecline])
    }

    @Test func terminateBeforeConnectIsRememberedAndTheLateConnectNeverRings() {
        var h = Harness()
        #expect(h.send(.terminated(Termination(id: inboundId, status: .completed))).refusals == [.unknownCall])
        let late = h.send(incoming(at: h.now))
        #expect(late.refusals == [.recentlyEnded])
        #expect(late.count == 1, "no ring, no Graph call")
        #expect(h.table.liveCount == 0)
    }

    @Test func duplicateConnectRingsOnce() {
        var h = Harness()
        let first = h.send(incoming())
        let second = h.send(incoming())
        #expect(first.filter { if case .ring = $0 { true } else { false } }.count == 1)
        #expect(second.refusals == [.duplicateEvent])
        #expect(second.count == 1)
        #expect(h.table.liveCount == 1)
    }

    @Test func aRefusalReadsAsOneLogLine() {
        var h = Harness()
        let call = h.ringIn()
        let refusal = h.send(.hangup(.handle(call))).compactMap { if case .refuse(let r) = $0 { r } else { nil } }
        #expect(refusal.map(\.description) == ["refused hangup for \(inboundId) (call 0.0, ringing): not_allowed_in_state"])
        #expect(Refusal(reason: .staleTimer, event: .timerFired).description == "refused timer_fired: stale_timer")
    }

    @Test func statusForAnUnknownCallIsRefused() {
        var h = Harness()
        #expect(h.send(.status(outboundId, .ringing)) == [.refuse(Refusal(reason: .unknownCall, event: .status, id: outboundId))])
    }

    @Test func staleConnectGetsNoGraphAction() {
        var h = Harness()
        h.advance(.seconds(61))
        let actions = h.send(incoming(at: start))
        #expect(actions == [.refuse(Refusal(reason: .staleConnect, event: .incomingConnect, id: inboundId))])
        #expect(h.table.liveCount == 0)
        var edge = Harness()
        edge.advance(.seconds(60))
        #expect(edge.send(incoming(at: start)).refusals.isEmpty, "exactly staleConnectAge old is still fresh")
    }

    @Test func fullTableRejectsTheNewCallAtMetaWithoutASlot() {
        var h = Harness(policy: CallPolicy(maxCalls: 2))
        let third = CallId("wacid.third")!
        h.send(incoming(CallId("wacid.first")!))
        h.send(incoming(CallId("wacid.second")!))
        let actions = h.send(incoming(third))
        #expect(actions == [
            .refuse(Refusal(reason: .tableFull, event: .incomingConnect, id: third)),
            request(third, nil, .reject),
        ])
        #expect(h.table.liveCount == 2)
        #expect(h.table.counters.refusals(.tableFull) == 1)
        #expect(h.send(incoming(third)).refusals == [.recentlyEnded], "a redelivery is not rejected twice")
        #expect(h.table.dial(user, from: business, by: .handset, at: h.now, into: &h.actions) == nil)
        #expect(Array(h.actions).refusals == [.tableFull])
    }

    static let failures: [GraphFailure] = [.auth, .rateLimited, .noPermission, .invalidSDP, .duplicateCall, .alreadyEnded, .ambiguous, .other(code: 131000)]

    @Test(arguments: failures)
    func preAcceptFailureFailsTheCallAndRejectsUnlessAlreadyEnded(failure: GraphFailure) {
        var h = Harness()
        h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        let actions = h.send(failed(inboundId, .preAccept, failure))
        #expect(actions.graphRequests == (failure == .alreadyEnded ? [] : [.reject]))
        #expect(actions.records.map(\.outcome) == [.failed])
        #expect(actions.records.first?.endReason == .graphFailure(failure))
        #expect(actions.contains(.cancelTimer(CallHandle(slot: 0, generation: 0), .answerTimeout)))
    }

    @Test(arguments: failures)
    func acceptFailureFailsTheCall(failure: GraphFailure) {
        var h = Harness()
        h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        h.send(ok(inboundId, .preAccept))
        let actions = h.send(failed(inboundId, .accept(reusingPreAcceptSDP: true), failure))
        let followUp: [GraphCallAction] = switch failure {
        case .alreadyEnded: []
        case .ambiguous: [.terminate]
        default: [.reject]
        }
        #expect(actions.graphRequests == followUp)
        #expect(actions.records.map(\.outcome) == [.failed])
        #expect(!actions.contains { if case .startMedia = $0 { true } else { false } }, "no media before accept 200")
    }

    @Test(arguments: failures)
    func failedTerminateStillEndsTheCall(failure: GraphFailure) {
        var h = Harness()
        let call = h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        h.send(ok(inboundId, .preAccept))
        h.send(ok(inboundId, .accept(reusingPreAcceptSDP: true)))
        h.send(.hangup(.handle(call)))
        let actions = h.send(failed(inboundId, .terminate, failure))
        #expect(actions.records.map(\.outcome) == [.completed])
        #expect(actions.records.first?.endReason == .localHangup)
        #expect(h.send(.terminated(Termination(id: inboundId, status: .completed))).refusals == [.recentlyEnded])
    }

    @Test func answerTimeoutRejectsWhilePreAcceptingAndTerminatesWhileAccepting() {
        var h = Harness()
        let call = h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        h.advance(.seconds(20))
        #expect(h.send(h.firing(call)).graphRequests == [.reject])

        var late = Harness()
        let other = late.ringIn()
        late.send(.answer(.id(inboundId), .handset))
        late.send(ok(inboundId, .preAccept))
        let actions = late.send(late.firing(other))
        #expect(actions.graphRequests == [.terminate])
        #expect(actions.records.map(\.endReason) == [.answerTimeout])
    }

    @Test func noMediaGuardTerminatesAndRecordsAFailure() {
        var h = Harness()
        let call = h.ringIn()
        h.send(.answer(.id(inboundId), .handset))
        h.send(ok(inboundId, .preAccept))
        h.send(ok(inboundId, .accept(reusingPreAcceptSDP: true)))
        h.advance(.seconds(30))
        let ending = h.send(h.firing(call))
        #expect(ending.graphRequests == [.terminate])
        #expect(ending.contains(.stopMedia(call)))
        #expect(h.slot(call)?.state == .ending)
        let done = h.send(ok(inboundId, .terminate))
        #expect(done.records.map(\.outcome) == [.failed])
        #expect(done.records.first?.endReason == .noMedia)
        #expect(!done.contains(.stopMedia(call)), "media was stopped once, when ending began")
    }

    @Test func aTimerFromAnEarlierStateIsIgnored() {
        var h = Harness()
        let call = h.ringIn()
        let ringTimer = h.firing(call)
        h.send(.answer(.id(inboundId), .handset))
        h.send(ok(inboundId, .preAccept))
        h.send(ok(inboundId, .accept(reusingPreAcceptSDP: true)))
        h.send(.mediaConnected(.id(inboundId)))
        h.send(.mediaLost(.id(inboundId)))
        let guardNow = h.firing(call)
        h.send(.mediaConnected(.id(inboundId)))
        h.send(.mediaLost(.id(inboundId)))
        #expect(h.send(ringTimer).refusals == [.staleTimer])
        #expect(h.send(guardNow).refusals == [.staleTimer], "re-armed guard has a new generation")
        #expect(h.send(h.firing(call)).graphRequests == [.terminate])
    }

    @Test func aReusedSlotDoesNotAnswerToTheOldHandle() {
        var h = Harness(policy: CallPolicy(maxCalls: 1))
        let first = h.ringIn()
        h.send(.decline(.handle(first)))
        let second = h.ringIn(CallId("wacid.next")!)
        #expect(first.slot == second.slot)
        #expect(first != second)
        #expect(h.send(.hangup(.handle(first))).refusals == [.unknownCall])
        #expect(h.slot(second)?.state == .ringing(.inbound))
    }
}

@Suite struct OutboundFlowTests {
    @Test func dialedCallRingsAnswersAndEndsOnLocalHangup() {
        var h = Harness()
        let t0 = h.now
        let call = h.table.dial(user, from: business, by: .handset, at: t0, into: &h.actions)!
        #expect(Array(h.actions) == [
            transition(call, nil, nil, .dialing(hangupRequested: false), .dial, t0),
            .graphConnect(call, to: user, from: business),
            .armTimer(call, timer(.dialTimeout, t0 + .seconds(60), 1)),
            .notify(call, .dialing(hangupRequested: false)),
        ])

        let placed = CallState.ringing(.outbound)
        #expect(h.send(.connectSucceeded(call, outboundId)) == [
            transition(call, outboundId, .dialing(hangupRequested: false), placed, .connectSucceeded, t0),
            .notify(call, placed),
        ])

        let alerted = CallState.ringing(RingingProgress(remoteSDPReceived: false, remoteAlerted: true))
        #expect(h.send(.status(outboundId, .ringing)) == [
            transition(call, outboundId, placed, alerted, .status, t0),
            .notify(call, alerted),
        ])

        let answered = CallState.ringing(RingingProgress(remoteSDPReceived: true, remoteAlerted: true))
        #expect(h.send(.remoteAnswer(outboundId)) == [
            transition(call, outboundId, alerted, answered, .remoteAnswer, t0),
            .startMedia(call),
            .notify(call, answered),
        ])

        h.advance(.seconds(3))
        let t1 = h.now
        let active = CallState.active(ActiveMedia(remoteSDPReceived: true, mediaConnected: false))
        #expect(h.send(.status(outboundId, .accepted)) == [
            transition(call, outboundId, answered, active, .status, t1),
            .cancelTimer(call, .dialTimeout),
            .armTimer(call, timer(.noMediaGuard, t1 + .seconds(30), 2)),
            .notify(call, active),
        ])

        h.advance(.seconds(60))
        let t2 = h.now
        #expect(h.table.hangup(.id(outboundId), at: t2, into: &h.actions) == call)
        #expect(Array(h.actions) == [
            transition(call, outboundId, active, .ending, .hangup, t2),
            request(outboundId, call, .terminate),
            .stopMedia(call),
            .cancelTimer(call, .noMediaGuard),
            .notify(call, .ending),
        ])

        let record = CallRecord(
            call: call, id: outboundId, direction: .outbound, remote: user, business: business,
            offeredAt: t0, answeredAt: t1, endedAt: t2, duration: .seconds(60), outcome: .completed,
            answerer: .handset, endReason: .localHangup)
        #expect(h.send(ok(outboundId, .terminate)) == [
            transition(call, outboundId, .ending, .ended, .graphOutcome, t2),
            .record(record),
            .notify(call, .ended),
        ])
        #expect(h.send(.terminated(Termination(id: outboundId, status: .completed))).refusals == [.recentlyEnded])
    }

    @Test func acceptedBeforeMetasAnswerStartsMediaWhenTheAnswerArrives() {
        var h = Harness()
        let call = h.dialOut()
        h.send(.connectSucceeded(call, outboundId))
        let accepted = h.send(.status(outboundId, .accepted))
        #expect(!accepted.contains(.startMedia(call)))
        #expect(h.slot(call)?.state == .active(ActiveMedia(remoteSDPReceived: false, mediaConnected: false)))
        #expect(h.send(.remoteAnswer(outboundId)).contains(.startMedia(call)))
    }

    @Test func mediaOnMetasAnswerMakesTheCallActiveWithoutAccepted() {
        var h = Harness()
        let call = h.dialOut()
        h.send(.connectSucceeded(call, outboundId))
        h.send(.remoteAnswer(outboundId))
        h.advance(.seconds(4))
        let actions = h.send(.mediaConnected(.id(outboundId)))
        #expect(actions.contains(.cancelTimer(call, .dialTimeout)))
        #expect(h.slot(call)?.answeredAt == h.now)
        #expect(h.send(.status(outboundId, .accepted)).refusals == [.duplicateEvent])
    }

    @Test func hangupWhileDialingTerminatesOnceTheIdArrives() {
        var h = Harness()
        let call = h.dialOut()
        let hangup = h.send(.hangup(.handle(call)))
        #expect(hangup.graphRequests.isEmpty)
        let actions = h.send(.connectSucceeded(call, outboundId))
        #expect(actions.graphRequests == [.terminate])
        #expect(h.slot(call)?.state == .ending)
        #expect(h.send(ok(outboundId, .terminate)).records.map(\.outcome) == [.missed])
    }

    @Test(arguments: [(GraphFailure.noPermission, CallOutcome.failed), (.duplicateCall, .busy), (.rateLimited, .failed), (.auth, .failed), (.invalidSDP, .failed), (.ambiguous, .failed)])
    func connectFailureEndsTheCallWithoutGraph(failure: GraphFailure, outcome: CallOutcome) {
        var h = Harness()
        let call = h.dialOut()
        let actions = h.send(.connectFailed(call, failure))
        #expect(actions.graphRequests.isEmpty)
        #expect(actions.records.map(\.outcome) == [outcome])
        #expect(actions.records.first?.endReason == .graphFailure(failure))
        #expect(h.table.liveCount == 0)
    }

    @Test func rejectedStatusEndsTheCallAndTheFollowingTerminateIsADuplicate() {
        var h = Harness()
        let call = h.dialOut()
        h.send(.connectSucceeded(call, outboundId))
        let actions = h.send(.status(outboundId, .rejected))
        #expect(actions.graphRequests.isEmpty)
        #expect(actions.records.map(\.outcome) == [.rejected])
        #expect(h.send(.terminated(Termination(id: outboundId, status: .rejected))).refusals == [.recentlyEnded])
    }

    @Test func dialTimeoutTerminatesAnUnansweredCall() {
        var h = Harness()
        let call = h.dialOut()
        h.send(.connectSucceeded(call, outboundId))
        h.send(.remoteAnswer(outboundId))
        h.advance(.seconds(60))
        let actions = h.send(h.firing(call))
        #expect(actions.graphRequests == [.terminate])
        #expect(actions.contains(.stopMedia(call)))
        let done = h.send(.terminated(Termination(id: outboundId, status: .completed)))
        #expect(done.records.map(\.outcome) == [.missed])
        #expect(done.records.first?.endReason == .dialTimeout)
    }

    @Test func dialTimeoutBeforeGraphAnswersFailsTheCall() {
        var h = Harness()
        let call = h.dialOut()
        let actions = h.send(h.firing(call))
        #expect(actions.graphRequests.isEmpty)
        #expect(actions.records.map(\.endReason) == [.dialTimeout])
        #expect(h.send(.connectSucceeded(call, outboundId)).refusals == [.unknownCall])
    }

    @Test func terminateOvertakingTheConnectResponseEndsTheCall() {
        var h = Harness()
        let call = h.dialOut()
        #expect(h.send(.terminated(Termination(id: outboundId, status: .failed))).refusals == [.unknownCall])
        let actions = h.send(.connectSucceeded(call, outboundId))
        #expect(actions.records.map(\.outcome) == [.failed])
        #expect(actions.graphRequests.isEmpty)
    }

    @Test func aConnectResponseWithAnIdAlreadyInUseIsRefused() {
        var h = Harness()
        h.ringIn(outboundId)
        let call = h.dialOut()
        #expect(h.send(.connectSucceeded(call, outboundId)).refusals == [.duplicateEvent])
        #expect(h.slot(call)?.state == .dialing(hangupRequested: false))
    }
}
