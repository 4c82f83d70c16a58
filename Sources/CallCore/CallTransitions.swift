/// The state machine proper: one method per event, each a switch over the call's
/// direction and state in which every case either transitions or refuses.
extension CallTable {
    mutating func incomingConnect(_ connect: IncomingConnect, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.incomingConnect
        if let index = self.index(of: connect.id) {
            return refuse(.duplicateEvent, kind, slot: index, &actions)
        }
        if recentlyEnded.contains(connect.id) {
            refuse(.recentlyEnded, kind, id: connect.id, &actions)
            return nil
        }
        if now - connect.timestamp > policy.staleConnectAge {
            refuse(.staleConnect, kind, id: connect.id, &actions)
            return nil
        }
        guard let index = occupy(id: connect.id, direction: .inbound, remote: connect.from, business: connect.to,
                                 state: .ringing(.inbound), answerer: nil, offeredAt: now) else {
            // Meta keeps ringing the user for up to a minute unless told; say no now (DESIGN §4 principle 2).
            refuse(.tableFull, kind, id: connect.id, &actions)
            actions.append(.graph(GraphRequest(call: connect.id, handle: nil, action: .reject)))
            recentlyEnded.remember(connect.id)
            return nil
        }
        let slot = slots[index]!
        actions.append(.journal(Transition(call: slot.handle, id: slot.id, from: nil, to: slot.state, event: kind, at: now)))
        actions.append(.ring(slot.handle))
        arm(index, .ringTimeout, at: now + policy.ringTimeout, &actions)
        return notify(index, &actions)
    }

    mutating func dial(_ dial: Dial, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        guard let index = occupy(id: nil, direction: .outbound, remote: dial.to, business: dial.from,
                                 state: .dialing(hangupRequested: false), answerer: dial.by, offeredAt: now) else {
            refuse(.tableFull, .dial, &actions)
            return nil
        }
        let slot = slots[index]!
        actions.append(.journal(Transition(call: slot.handle, id: nil, from: nil, to: slot.state, event: .dial, at: now)))
        actions.append(.graphConnect(slot.handle, to: dial.to, from: dial.from))
        arm(index, .dialTimeout, at: now + policy.dialTimeout, &actions)
        return notify(index, &actions)
    }

    mutating func remoteAnswer(_ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.remoteAnswer
        let slot = slots[index]!
        guard slot.direction == .outbound else { return refuse(.notAllowedInState, kind, slot: index, &actions) }
        switch slot.state {
        case .ringing(var progress):
            guard !progress.remoteSDPReceived else { return refuse(.duplicateEvent, kind, slot: index, &actions) }
            progress.remoteSDPReceived = true
            move(index, to: .ringing(progress), kind, now, &actions)
        case .active(var media):
            guard !media.remoteSDPReceived else { return refuse(.duplicateEvent, kind, slot: index, &actions) }
            media.remoteSDPReceived = true
            move(index, to: .active(media), kind, now, &actions)
        case .dialing, .answering, .ending, .ended, .missed, .rejected, .failed:
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
        // Media starts on Meta's answer, not on ACCEPTED, which often comes later (spec §2.4).
        startMedia(index, &actions)
        return notify(index, &actions)
    }

    mutating func status(_ status: CallStatus, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.status
        let slot = slots[index]!
        guard slot.direction == .outbound else { return refuse(.notAllowedInState, kind, slot: index, &actions) }
        switch (status, slot.state) {
        case (.ringing, .ringing(var progress)):
            guard !progress.remoteAlerted else { return refuse(.duplicateEvent, kind, slot: index, &actions) }
            progress.remoteAlerted = true
            move(index, to: .ringing(progress), kind, now, &actions)
            return notify(index, &actions)
        case (.accepted, .ringing(let progress)):
            return becomeActive(index, ActiveMedia(remoteSDPReceived: progress.remoteSDPReceived, mediaConnected: false), kind, now, &actions)
        case (.rejected, .ringing):
            return finish(index, .rejected, .remoteRejected, kind, now, &actions)
        case (.accepted, .active):
            return refuse(.duplicateEvent, kind, slot: index, &actions)
        case (.ringing, _), (.accepted, _), (.rejected, _):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }

    /// The WhatsApp user answered an outbound call (ACCEPTED, or media flowing on Meta's answer).
    mutating func becomeActive(_ index: Int, _ media: ActiveMedia, _ kind: CallEvent.Kind, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle {
        slots[index]!.answeredAt = now
        move(index, to: .active(media), kind, now, &actions)
        if media.mediaConnected {
            disarm(index, &actions)
        } else {
            arm(index, .noMediaGuard, at: now + policy.noMediaGuard, &actions)
        }
        return notify(index, &actions)
    }

    mutating func terminated(_ termination: Termination, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.terminated
        let slot = slots[index]!
        let outcome: CallOutcome
        let reason: EndReason
        switch (slot.direction, slot.state, termination.status) {
        case (.inbound, .ringing, .failed), (.inbound, .answering, .failed), (_, .active, .failed), (.outbound, .ringing, .failed):
            (outcome, reason) = (.failed, .remoteFailure)
        case (.inbound, .ringing, _), (.inbound, .answering, _):
            (outcome, reason) = (.missed, .remoteHangup)
        case (_, .active, _):
            (outcome, reason) = (.completed, .remoteHangup)
        case (.outbound, .ringing, .rejected):
            (outcome, reason) = (.rejected, .remoteRejected)
        case (.outbound, .ringing, .completed):
            (outcome, reason) = (.missed, .remoteHangup)
        case (_, .ending, _):
            (outcome, reason) = (endingOutcome(slot), slot.endReason ?? .remoteHangup)
        case (_, .dialing, _), (.outbound, .answering, _), (_, .ended, _), (_, .missed, _), (_, .rejected, _), (_, .failed, _):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
        // No terminate goes back: the far end already ended the call (spec §3.3).
        return finish(index, outcome, reason, kind, now, duration: termination.billedDuration, &actions)
    }

    mutating func answer(_ answerer: Answerer, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.answer
        let slot = slots[index]!
        switch (slot.direction, slot.state) {
        case (.inbound, .ringing):
            slots[index]!.answerer = answerer
            let step: AnsweringStep = policy.preAccept ? .preAccepting : .accepting
            move(index, to: .answering(step), kind, now, &actions)
            actions.append(.stopRinging(slot.handle))
            graph(index, policy.preAccept ? .preAccept : .accept(reusingPreAcceptSDP: false), &actions)
            arm(index, .answerTimeout, at: now + policy.answerTimeout, &actions)
            return notify(index, &actions)
        case (.inbound, .answering), (.inbound, .active):
            return refuse(.duplicateEvent, kind, slot: index, &actions)
        case (_, .dialing), (_, .ringing), (_, .answering), (_, .active), (_, .ending),
             (_, .ended), (_, .missed), (_, .rejected), (_, .failed):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }

    mutating func decline(_ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let slot = slots[index]!
        guard slot.direction == .inbound, case .ringing = slot.state else {
            return refuse(.notAllowedInState, .decline, slot: index, &actions)
        }
        // An unanswered inbound call is ended with reject, not terminate (spec §3.3).
        return finish(index, .rejected, .localDecline, .decline, now, graph: .reject, &actions)
    }

    mutating func hangup(_ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.hangup
        let slot = slots[index]!
        switch (slot.direction, slot.state) {
        case (_, .dialing(hangupRequested: false)):
            // Without the call id there is nothing to terminate yet; the connect response carries it out.
            move(index, to: .dialing(hangupRequested: true), kind, now, &actions)
            return notify(index, &actions)
        case (.inbound, .answering(.preAccepting)):
            return finish(index, .rejected, .localHangup, kind, now, graph: .reject, &actions)
        case (.inbound, .answering(.accepting)), (_, .active), (.outbound, .ringing):
            return startEnding(index, .localHangup, kind, now, &actions)
        case (_, .dialing(hangupRequested: true)), (_, .ending):
            return refuse(.duplicateEvent, kind, slot: index, &actions)
        case (.inbound, .ringing), (.outbound, .answering), (_, .ended), (_, .missed), (_, .rejected), (_, .failed):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }

    mutating func graphOutcome(_ outcome: GraphOutcome, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.graphOutcome
        let slot = slots[index]!
        switch (slot.state, outcome.action, outcome.failure) {
        case (.answering(.preAccepting), .preAccept, nil):
            move(index, to: .answering(.accepting), kind, now, &actions)
            graph(index, .accept(reusingPreAcceptSDP: true), &actions)
            return notify(index, &actions)
        case (.answering(.accepting), .accept, nil):
            slots[index]!.answeredAt = now
            move(index, to: .active(ActiveMedia(remoteSDPReceived: true, mediaConnected: false)), kind, now, &actions)
            // Media only after accept returned 200 (spec §3.1); the guard ends a call whose media never comes.
            startMedia(index, &actions)
            arm(index, .noMediaGuard, at: now + policy.noMediaGuard, &actions)
            return notify(index, &actions)
        case (.answering(.preAccepting), .preAccept, .alreadyEnded?), (.answering(.accepting), .accept, .alreadyEnded?):
            return finish(index, .failed, .graphFailure(.alreadyEnded), kind, now, &actions)
        case (.answering(.accepting), .accept, .ambiguous?):
            // The accept may have taken effect, and an answered call is ended with terminate.
            return finish(index, .failed, .graphFailure(.ambiguous), kind, now, graph: .terminate, &actions)
        case (.answering(.preAccepting), .preAccept, let failure?), (.answering(.accepting), .accept, let failure?):
            return finish(index, .failed, .graphFailure(failure), kind, now, graph: .reject, &actions)
        case (.ending, .terminate, _):
            // A failed terminate still ends the call here: without media Meta drops it within 30 s (spec §6.2).
            return finish(index, endingOutcome(slot), slot.endReason ?? .localHangup, kind, now, &actions)
        case (.dialing, _, _), (.ringing, _, _), (.answering, _, _), (.active, _, _), (.ending, _, _),
             (.ended, _, _), (.missed, _, _), (.rejected, _, _), (.failed, _, _):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }

    mutating func connectSucceeded(_ id: CallId, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.connectSucceeded
        let slot = slots[index]!
        guard case .dialing(let hangupRequested) = slot.state else {
            return refuse(slot.id == id ? .duplicateEvent : .notAllowedInState, kind, slot: index, &actions)
        }
        if self.index(of: id) != nil {
            refuse(.duplicateEvent, kind, state: slot.state, id: id, handle: slot.handle, &actions)
            return nil
        }
        slots[index]!.id = id
        if recentlyEnded.contains(id) {
            // Meta's terminate overtook Graph's response: the call is over before it began.
            return finish(index, .failed, .remoteFailure, kind, now, &actions)
        }
        if hangupRequested {
            return startEnding(index, .localHangup, kind, now, &actions)
        }
        move(index, to: .ringing(.outbound), kind, now, &actions)
        return notify(index, &actions)
    }

    mutating func connectFailed(_ failure: GraphFailure, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        guard case .dialing = slots[index]!.state else {
            return refuse(.notAllowedInState, .connectFailed, slot: index, &actions)
        }
        let outcome: CallOutcome = failure == .duplicateCall ? .busy : .failed
        return finish(index, outcome, .graphFailure(failure), .connectFailed, now, &actions)
    }

    mutating func mediaConnected(_ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.mediaConnected
        let slot = slots[index]!
        switch (slot.direction, slot.state) {
        case (_, .active(var media)) where media.remoteSDPReceived:
            guard !media.mediaConnected else { return refuse(.duplicateEvent, kind, slot: index, &actions) }
            media.mediaConnected = true
            move(index, to: .active(media), kind, now, &actions)
            disarm(index, &actions)
            return notify(index, &actions)
        case (.outbound, .ringing(let progress)) where progress.remoteSDPReceived:
            // ACCEPTED is for auditing and may never come; media on Meta's answer means the user picked up (spec §2.4).
            return becomeActive(index, ActiveMedia(remoteSDPReceived: true, mediaConnected: true), kind, now, &actions)
        case (_, .dialing), (_, .ringing), (_, .answering), (_, .active), (_, .ending),
             (_, .ended), (_, .missed), (_, .rejected), (_, .failed):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }

    mutating func mediaLost(_ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.mediaLost
        guard case .active(var media) = slots[index]!.state, media.remoteSDPReceived else {
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
        guard media.mediaConnected else { return refuse(.duplicateEvent, kind, slot: index, &actions) }
        media.mediaConnected = false
        move(index, to: .active(media), kind, now, &actions)
        // Meta drops an established call after 30 s without business media (spec §6.2).
        arm(index, .noMediaGuard, at: now + policy.noMediaGuard, &actions)
        return notify(index, &actions)
    }

    mutating func timerFired(_ timer: TimerKind, _ index: Int, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle? {
        let kind = CallEvent.Kind.timerFired
        switch (timer, slots[index]!.state) {
        case (.ringTimeout, .ringing):
            return finish(index, .missed, .ringTimeout, kind, now, graph: .reject, &actions)
        case (.answerTimeout, .answering(let step)):
            return finish(index, .failed, .answerTimeout, kind, now, graph: step == .preAccepting ? .reject : .terminate, &actions)
        case (.noMediaGuard, .active):
            return startEnding(index, .noMedia, kind, now, &actions)
        case (.dialTimeout, .dialing):
            // No id yet, so nothing can be terminated; Graph's late response will find no call.
            return finish(index, .failed, .dialTimeout, kind, now, &actions)
        case (.dialTimeout, .ringing):
            return startEnding(index, .dialTimeout, kind, now, &actions)
        case (.ringTimeout, _), (.answerTimeout, _), (.noMediaGuard, _), (.dialTimeout, _):
            return refuse(.notAllowedInState, kind, slot: index, &actions)
        }
    }
}
