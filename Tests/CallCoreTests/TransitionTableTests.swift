import Testing
@testable import CallCore

/// Every state a call can be in (with the sub-states that change behaviour), plus a call
/// that just ended and one the table never saw.
enum StateFixture: String, CaseIterable, Sendable {
    case inRinging, inPreAccepting, inAccepting, inActiveNoMedia, inActiveMedia, inEnding
    case outDialing, outDialingHangup, outRinging, outRingingAnswered
    case outActiveAwaitingAnswer, outActiveNoMedia, outActiveMedia, outEnding
    case recentlyEnded, unknown
}

/// Every event, with the payload variants that change behaviour.
enum EventFixture: String, CaseIterable, Sendable {
    case connect, remoteAnswer, statusRinging, statusAccepted, statusRejected
    case terminateCompleted, terminateFailed, terminateRejected
    case answer, decline, hangup
    case preAcceptOK, preAcceptFailed, acceptOK, acceptAmbiguous, rejectOK, terminateOK
    case connectOK, connectFailed, mediaConnected, mediaLost, timerCurrent, timerStale
}

enum Expect: Equatable {
    /// The call moves to this state.
    case to(CallState)
    /// The call is untouched and the event refused for this reason.
    case refused(RefusalReason)
    /// The event is not about this call: a new inbound call starts ringing.
    case created
}

private let D = Expect.refused(.duplicateEvent)
private let N = Expect.refused(.notAllowedInState)
private let U = Expect.refused(.unknownCall)
private let RE = Expect.refused(.recentlyEnded)
private let ST = Expect.refused(.staleTimer)
private let C = Expect.created
private func to(_ state: CallState) -> Expect { .to(state) }
private let preAccepting = to(.answering(.preAccepting))
private let accepting = to(.answering(.accepting))
private func active(_ sdp: Bool, _ media: Bool) -> Expect { .to(.active(ActiveMedia(remoteSDPReceived: sdp, mediaConnected: media))) }
private func ringing(_ sdp: Bool, _ alerted: Bool) -> Expect { .to(.ringing(RingingProgress(remoteSDPReceived: sdp, remoteAlerted: alerted))) }
private let ending = to(.ending), ended = to(.ended), missed = to(.missed), rejected = to(.rejected), failed = to(.failed)

/// The whole machine on one page. Columns follow `EventFixture`:
/// connect, remoteAnswer, RINGING, ACCEPTED, REJECTED, terminate COMPLETED/FAILED/REJECTED,
/// answer, decline, hangup, pre_accept ok/failed, accept ok/ambiguous, reject ok, terminate ok,
/// connect ok/failed, media connected/lost, current timer, stale timer.
private let expected: [StateFixture: [Expect]] = [
    .inRinging:               [D, N, N, N, N, missed, failed, missed, preAccepting, rejected, N, N, N, N, N, N, N, N, N, N, N, missed, ST],
    .inPreAccepting:          [D, N, N, N, N, missed, failed, missed, D, N, rejected, accepting, failed, N, N, N, N, N, N, N, N, failed, ST],
    .inAccepting:             [D, N, N, N, N, missed, failed, missed, D, N, ending, N, N, active(true, false), failed, N, N, N, N, N, N, failed, ST],
    .inActiveNoMedia:         [D, N, N, N, N, ended, failed, ended, D, N, ending, N, N, N, N, N, N, N, N, active(true, true), D, ending, ST],
    .inActiveMedia:           [D, N, N, N, N, ended, failed, ended, D, N, ending, N, N, N, N, N, N, N, N, D, active(true, false), ST, ST],
    .inEnding:                [D, N, N, N, N, ended, ended, ended, N, N, D, N, N, N, N, N, ended, N, N, N, N, ST, ST],
    .outDialing:              [C, U, U, U, U, U, U, U, N, N, to(.dialing(hangupRequested: true)), U, U, U, U, U, U, ringing(false, false), failed, N, N, failed, ST],
    .outDialingHangup:        [C, U, U, U, U, U, U, U, N, N, D, U, U, U, U, U, U, ending, failed, N, N, failed, ST],
    .outRinging:              [D, ringing(true, false), ringing(false, true), active(false, false), rejected, missed, failed, rejected, N, N, ending, N, N, N, N, N, N, D, N, N, N, ending, ST],
    .outRingingAnswered:      [D, D, ringing(true, true), active(true, false), rejected, missed, failed, rejected, N, N, ending, N, N, N, N, N, N, D, N, active(true, true), N, ending, ST],
    .outActiveAwaitingAnswer: [D, active(true, false), N, D, N, ended, failed, ended, N, N, ending, N, N, N, N, N, N, D, N, N, N, ending, ST],
    .outActiveNoMedia:        [D, D, N, D, N, ended, failed, ended, N, N, ending, N, N, N, N, N, N, D, N, active(true, true), D, ending, ST],
    .outActiveMedia:          [D, D, N, D, N, ended, failed, ended, N, N, ending, N, N, N, N, N, N, D, N, D, active(true, false), ST, ST],
    .outEnding:               [D, N, N, N, N, ended, ended, ended, N, N, D, N, N, N, N, N, ended, D, N, N, N, ST, ST],
    .recentlyEnded:           [RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, RE, U, U, RE, RE, ST, ST],
    .unknown:                 [C, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, ST, ST],
]

/// A harness holding one call in the fixture's state.
struct Built {
    var harness: Harness
    var handle: CallHandle
    var id: CallId?
    var state: CallState?

    var ref: CallRef { id.map(CallRef.id) ?? .handle(handle) }
}

func build(_ fixture: StateFixture) -> Built {
    var h = Harness()
    switch fixture {
    case .inRinging, .inPreAccepting, .inAccepting, .inActiveNoMedia, .inActiveMedia, .inEnding:
        let call = h.ringIn()
        let steps: [CallEvent]
        switch fixture {
        case .inRinging: steps = []
        case .inPreAccepting: steps = [.answer(.id(inboundId), .handset)]
        case .inAccepting: steps = [.answer(.id(inboundId), .handset), ok(inboundId, .preAccept)]
        case .inActiveNoMedia: steps = [.answer(.id(inboundId), .handset), ok(inboundId, .preAccept), ok(inboundId, .accept(reusingPreAcceptSDP: true))]
        case .inActiveMedia: steps = [.answer(.id(inboundId), .handset), ok(inboundId, .preAccept), ok(inboundId, .accept(reusingPreAcceptSDP: true)), .mediaConnected(.id(inboundId))]
        default: steps = [.answer(.id(inboundId), .handset), ok(inboundId, .preAccept), ok(inboundId, .accept(reusingPreAcceptSDP: true)), .mediaConnected(.id(inboundId)), .hangup(.id(inboundId))]
        }
        for step in steps { #expect(h.send(step).refusals.isEmpty) }
        return Built(harness: h, handle: call, id: inboundId, state: h.slot(call)!.state)
    case .outDialing, .outDialingHangup:
        let call = h.dialOut()
        if fixture == .outDialingHangup { h.send(.hangup(.handle(call))) }
        return Built(harness: h, handle: call, id: nil, state: h.slot(call)!.state)
    case .outRinging, .outRingingAnswered, .outActiveAwaitingAnswer, .outActiveNoMedia, .outActiveMedia, .outEnding:
        let call = h.dialOut()
        h.send(.connectSucceeded(call, outboundId))
        let steps: [CallEvent]
        switch fixture {
        case .outRinging: steps = []
        case .outRingingAnswered: steps = [.remoteAnswer(outboundId)]
        case .outActiveAwaitingAnswer: steps = [.status(outboundId, .accepted)]
        case .outActiveNoMedia: steps = [.remoteAnswer(outboundId), .status(outboundId, .accepted)]
        case .outActiveMedia: steps = [.remoteAnswer(outboundId), .mediaConnected(.id(outboundId))]
        default: steps = [.remoteAnswer(outboundId), .mediaConnected(.id(outboundId)), .hangup(.id(outboundId))]
        }
        for step in steps { #expect(h.send(step).refusals.isEmpty) }
        return Built(harness: h, handle: call, id: outboundId, state: h.slot(call)!.state)
    case .recentlyEnded:
        let call = h.ringIn()
        h.send(.decline(.id(inboundId)))
        return Built(harness: h, handle: call, id: inboundId, state: nil)
    case .unknown:
        return Built(harness: h, handle: CallHandle(slot: 0, generation: 0), id: inboundId, state: nil)
    }
}

func event(_ fixture: EventFixture, for built: Built) -> CallEvent {
    let id = built.id ?? outboundId
    let timer = built.harness.slot(built.handle)?.timer
    switch fixture {
    case .connect: return incoming(id, at: built.harness.now)
    case .remoteAnswer: return .remoteAnswer(id)
    case .statusRinging: return .status(id, .ringing)
    case .statusAccepted: return .status(id, .accepted)
    case .statusRejected: return .status(id, .rejected)
    case .terminateCompleted: return .terminated(Termination(id: id, status: .completed, duration: .seconds(12)))
    case .terminateFailed: return .terminated(Termination(id: id, status: .failed))
    case .terminateRejected: return .terminated(Termination(id: id, status: .rejected))
    case .answer: return .answer(built.ref, .handset)
    case .decline: return .decline(built.ref)
    case .hangup: return .hangup(built.ref)
    case .preAcceptOK: return ok(id, .preAccept)
    case .preAcceptFailed: return failed(id, .preAccept, .invalidSDP)
    case .acceptOK: return ok(id, .accept(reusingPreAcceptSDP: true))
    case .acceptAmbiguous: return failed(id, .accept(reusingPreAcceptSDP: true), .ambiguous)
    case .rejectOK: return ok(id, .reject)
    case .terminateOK: return ok(id, .terminate)
    case .connectOK: return .connectSucceeded(built.handle, outboundId)
    case .connectFailed: return .connectFailed(built.handle, .noPermission)
    case .mediaConnected: return .mediaConnected(built.ref)
    case .mediaLost: return .mediaLost(built.ref)
    case .timerCurrent:
        return .timerFired(TimerFired(call: built.handle, kind: timer?.kind ?? .ringTimeout, generation: timer?.generation ?? 0))
    case .timerStale:
        return .timerFired(TimerFired(call: built.handle, kind: timer?.kind ?? .ringTimeout, generation: (timer?.generation ?? 1) &- 1))
    }
}

@Suite struct TransitionTableTests {
    @Test func tableCoversEveryPair() {
        for state in StateFixture.allCases {
            #expect(expected[state]?.count == EventFixture.allCases.count, "row \(state)")
        }
    }

    @Test(arguments: StateFixture.allCases, EventFixture.allCases)
    func everyStateAndEvent(state: StateFixture, eventFixture: EventFixture) {
        var built = build(state)
        let column = EventFixture.allCases.firstIndex(of: eventFixture)!
        let expectation = expected[state]![column]
        let before = built.harness.table.counters
        let actions = built.harness.send(event(eventFixture, for: built))
        #expect(actions.count <= 6, "the longest sequence ActionBuffer documents")

        switch expectation {
        case .refused(let reason):
            #expect(actions.refusals == [reason], "\(state) × \(eventFixture): \(actions)")
            #expect(actions.count == 1, "a refusal has no effects: \(actions)")
            #expect(built.harness.slot(built.handle)?.state == built.state, "state untouched")
            #expect(built.harness.table.counters.refusals(reason) == before.refusals(reason) + 1)
        case .created:
            #expect(actions.refusals.isEmpty, "\(state) × \(eventFixture): \(actions)")
            #expect(actions.transitions.count == 1 && actions.transitions[0].from == nil)
            #expect(built.harness.table.liveCount == (built.state == nil ? 1 : 2))
        case .to(let target):
            #expect(actions.refusals.isEmpty, "\(state) × \(eventFixture): \(actions)")
            guard case .journal(let transition)? = actions.first else {
                Issue.record("journal must come first: \(actions)")
                return
            }
            #expect(transition.from == built.state)
            #expect(transition.to == target, "\(state) × \(eventFixture)")
            #expect(transition.call == built.handle)
            #expect(actions.last == .notify(built.handle, target))
            #expect(actions.transitions.count == 1)
            if target.name.isTerminal {
                #expect(actions.records.count == 1)
                #expect(actions.records.first?.outcome.terminalState == target)
                #expect(built.harness.slot(built.handle) == nil, "a terminal call frees its slot")
                #expect(built.harness.table.counters.calls(in: target.name) == before.calls(in: target.name) + 1)
            } else {
                #expect(actions.records.isEmpty)
                #expect(built.harness.slot(built.handle)?.state == target)
            }
            if let from = built.state, from.name != target.name {
                #expect(built.harness.table.counters.calls(in: from.name) == before.calls(in: from.name) - 1)
            }
        }
    }
}
