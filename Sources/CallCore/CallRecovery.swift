/// Rebuilding the table after a crash or power cut (DESIGN §4 principle 3): the daemon
/// restores every live call from the journal, then calls `recover` once, before any event.
extension CallTable {
    /// Puts a journalled call back in a slot. Sub-state details the journal does not keep
    /// take their most cautious value; `recover` decides what happens next.
    @discardableResult
    public mutating func restore(_ snapshot: CallSnapshot) throws(RestoreError) -> CallHandle {
        let state: CallState
        switch (snapshot.direction, snapshot.state) {
        case (_, .ended), (_, .missed), (_, .rejected), (_, .failed):
            throw .terminalState
        case (.outbound, .dialing):
            state = .dialing(hangupRequested: false)
        case (.inbound, .ringing):
            state = .ringing(.inbound)
        case (.outbound, .ringing):
            // If Meta's answer came before the crash the browser has it; if not, it may still come.
            state = .ringing(.outbound)
        case (.inbound, .answering):
            state = .answering(.preAccepting)
        case (_, .active):
            state = .active(ActiveMedia(remoteSDPReceived: true, mediaConnected: true))
        case (_, .ending):
            state = .ending
        case (.inbound, .dialing), (.outbound, .answering):
            throw .impossibleState
        }
        if snapshot.id == nil, snapshot.state != .dialing { throw .missingCallId }
        if let id = snapshot.id, self.index(of: id) != nil { throw .duplicateCall }
        guard let index = occupy(id: snapshot.id, direction: snapshot.direction, remote: snapshot.remote,
                                 business: snapshot.business, state: state, answerer: snapshot.answerer,
                                 offeredAt: snapshot.offeredAt) else { throw .tableFull }
        slots[index]!.answeredAt = snapshot.answeredAt
        slots[index]!.mediaStarted = state.name == .active && snapshot.answerer.isBrowser
        if state == .ending { slots[index]!.endReason = .lostInRestart }
        return slots[index]!.handle
    }

    /// Decides every restored call after a restart. Ringing calls keep their original
    /// deadline; calls whose media or Graph request died with the process are ended at Meta
    /// and recorded once; browser calls keep being tracked. `actions` needs room for every
    /// slot: `ActionBuffer.forRecovery(of:)`.
    public mutating func recover(at now: Instant, into actions: inout ActionBuffer) {
        actions.removeAll()
        let kind = CallEvent.Kind.recovery
        for index in slots.indices {
            guard let slot = slots[index] else { continue }
            switch (slot.direction, slot.state) {
            case (_, .dialing):
                // Graph may or may not have placed the call, and its id was never learnt.
                _ = finish(index, .failed, .lostInRestart, kind, now, &actions)
            case (.inbound, .ringing):
                let deadline = slot.offeredAt + policy.ringTimeout
                if deadline <= now {
                    _ = finish(index, .missed, .ringTimeout, kind, now, graph: .reject, &actions)
                } else {
                    actions.append(.ring(slot.handle))
                    arm(index, .ringTimeout, at: deadline, &actions)
                    _ = notify(index, &actions)
                }
            case (.outbound, .ringing) where slot.answerer.isBrowser:
                let deadline = slot.offeredAt + policy.dialTimeout
                if deadline <= now {
                    _ = startEnding(index, .dialTimeout, kind, now, &actions)
                } else {
                    arm(index, .dialTimeout, at: deadline, &actions)
                    _ = notify(index, &actions)
                }
            case (_, .active) where slot.answerer.isBrowser:
                _ = notify(index, &actions)
            case (_, .ringing), (_, .answering), (_, .active):
                _ = startEnding(index, .lostInRestart, kind, now, &actions)
            case (_, .ending):
                // Graph's answer to the first terminate was lost with the process.
                graph(index, .terminate, &actions)
            case (_, .ended), (_, .missed), (_, .rejected), (_, .failed):
                preconditionFailure("terminal calls never hold a slot")
            }
        }
    }
}

extension Optional<Answerer> {
    var isBrowser: Bool {
        if case .browser? = self { true } else { false }
    }
}
