/// The fixed call table and its state machine. Slots are allocated once, at init; events
/// come in with the current time and go out as actions in a caller-owned `ActionBuffer`.
/// Nothing here does I/O or reads a clock.
public struct CallTable: Sendable {
    public let policy: CallPolicy
    var slots: ContiguousArray<CallSlot?>
    /// Per slot, the generation the next call in it gets; survives the slot being emptied.
    var generations: ContiguousArray<UInt32>
    public internal(set) var recentlyEnded: RecentlyEndedCalls
    public internal(set) var counters = CallCounters()

    public init(policy: CallPolicy = CallPolicy()) {
        self.policy = policy
        slots = ContiguousArray(repeating: nil, count: policy.maxCalls)
        generations = ContiguousArray(repeating: 0, count: policy.maxCalls)
        recentlyEnded = RecentlyEndedCalls(for: policy)
    }

    public var liveCount: Int {
        slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }

    public func slot(_ handle: CallHandle) -> CallSlot? {
        self.index(of: handle).flatMap { slots[$0] }
    }

    public func slot(for id: CallId) -> CallSlot? {
        self.index(of: id).flatMap { slots[$0] }
    }

    public func forEachLiveCall(_ body: (CallSlot) throws -> Void) rethrows {
        for case let slot? in slots { try body(slot) }
    }

    /// Handles one event. `actions` is emptied first, then filled with what the daemon must
    /// do, journal first. Returns the call the event applied to, nil when it was refused.
    @discardableResult
    public mutating func handle(_ event: CallEvent, at now: Instant, into actions: inout ActionBuffer) -> CallHandle? {
        actions.removeAll()
        let kind = event.kind
        switch event {
        case .incomingConnect(let connect):
            return incomingConnect(connect, now, &actions)
        case .dial(let dial):
            return self.dial(dial, now, &actions)
        case .remoteAnswer(let id):
            guard let index = live(.id(id), kind, &actions) else { return nil }
            return remoteAnswer(index, now, &actions)
        case .status(let id, let status):
            guard let index = live(.id(id), kind, &actions) else { return nil }
            return self.status(status, index, now, &actions)
        case .terminated(let termination):
            guard let index = self.index(of: termination.id) else {
                if recentlyEnded.contains(termination.id) {
                    refuse(.recentlyEnded, kind, id: termination.id, &actions)
                } else {
                    // Remembered so the connect this terminate overtook is not rung (spec §10.2).
                    recentlyEnded.remember(termination.id)
                    refuse(.unknownCall, kind, id: termination.id, &actions)
                }
                return nil
            }
            return terminated(termination, index, now, &actions)
        case .answer(let call, let answerer):
            guard let index = live(call, kind, &actions) else { return nil }
            return answer(answerer, index, now, &actions)
        case .decline(let call):
            guard let index = live(call, kind, &actions) else { return nil }
            return decline(index, now, &actions)
        case .hangup(let call):
            guard let index = live(call, kind, &actions) else { return nil }
            return hangup(index, now, &actions)
        case .graphOutcome(let outcome):
            guard let index = live(.id(outcome.call), kind, &actions) else { return nil }
            return graphOutcome(outcome, index, now, &actions)
        case .connectSucceeded(let handle, let id):
            guard let index = live(.handle(handle), kind, &actions) else { return nil }
            return connectSucceeded(id, index, now, &actions)
        case .connectFailed(let handle, let failure):
            guard let index = live(.handle(handle), kind, &actions) else { return nil }
            return connectFailed(failure, index, now, &actions)
        case .mediaConnected(let call):
            guard let index = live(call, kind, &actions) else { return nil }
            return mediaConnected(index, now, &actions)
        case .mediaLost(let call):
            guard let index = live(call, kind, &actions) else { return nil }
            return mediaLost(index, now, &actions)
        case .timerFired(let fired):
            guard let index = self.index(of: fired.call), let timer = slots[index]!.timer,
                  timer.kind == fired.kind, timer.generation == fired.generation else {
                refuse(.staleTimer, kind, handle: fired.call, &actions)
                return nil
            }
            slots[index]!.timer = nil
            return timerFired(fired.kind, index, now, &actions)
        }
    }

    /// Staff or the API place an outbound call; Graph `connect` goes out with the offer the
    /// daemon holds. Returns the handle the daemon uses until Graph returns the call id.
    @discardableResult
    public mutating func dial(_ to: WhatsAppUser, from: PhoneNumber, by: Answerer, at now: Instant, into actions: inout ActionBuffer) -> CallHandle? {
        handle(.dial(Dial(to: to, from: from, by: by)), at: now, into: &actions)
    }

    /// Answer an inbound call with the answer SDP the daemon holds for it.
    @discardableResult
    public mutating func answer(_ call: CallRef, by answerer: Answerer, at now: Instant, into actions: inout ActionBuffer) -> CallHandle? {
        handle(.answer(call, answerer), at: now, into: &actions)
    }

    @discardableResult
    public mutating func decline(_ call: CallRef, at now: Instant, into actions: inout ActionBuffer) -> CallHandle? {
        handle(.decline(call), at: now, into: &actions)
    }

    @discardableResult
    public mutating func hangup(_ call: CallRef, at now: Instant, into actions: inout ActionBuffer) -> CallHandle? {
        handle(.hangup(call), at: now, into: &actions)
    }
}

// MARK: - Slots

extension CallTable {
    func index(of handle: CallHandle) -> Int? {
        let index = Int(handle.slot)
        guard index < slots.count, let slot = slots[index], slot.handle == handle else { return nil }
        return index
    }

    func index(of id: CallId) -> Int? {
        slots.firstIndex { $0?.id == id }
    }

    /// The live call `ref` names, or nil after refusing the event.
    mutating func live(_ ref: CallRef, _ kind: CallEvent.Kind, _ actions: inout ActionBuffer) -> Int? {
        switch ref {
        case .id(let id):
            if let index = self.index(of: id) { return index }
            refuse(recentlyEnded.contains(id) ? .recentlyEnded : .unknownCall, kind, id: id, &actions)
        case .handle(let handle):
            if let index = self.index(of: handle) { return index }
            refuse(.unknownCall, kind, handle: handle, &actions)
        }
        return nil
    }

    /// Puts a new call in a free slot; returns nil when every slot is busy.
    mutating func occupy(id: CallId?, direction: CallDirection, remote: WhatsAppUser, business: PhoneNumber,
                         state: CallState, answerer: Answerer?, offeredAt: Instant) -> Int? {
        guard let index = slots.firstIndex(where: { $0 == nil }) else { return nil }
        slots[index] = CallSlot(
            handle: CallHandle(slot: UInt16(index), generation: generations[index]),
            id: id, direction: direction, remote: remote, business: business, state: state,
            offeredAt: offeredAt, answeredAt: nil, answerer: answerer, endReason: nil,
            mediaStarted: false, timer: nil, events: 1, timerGeneration: 0)
        counters.enter(state.name)
        return index
    }

    mutating func refuse(_ reason: RefusalReason, _ kind: CallEvent.Kind, state: CallState? = nil,
                         id: CallId? = nil, handle: CallHandle? = nil, _ actions: inout ActionBuffer) {
        counters.count(reason)
        actions.append(.refuse(Refusal(reason: reason, event: kind, state: state, id: id, handle: handle)))
    }

    /// Refuses an event the call's state gives no meaning to, or that repeats one it had.
    mutating func refuse(_ reason: RefusalReason, _ kind: CallEvent.Kind, slot index: Int, _ actions: inout ActionBuffer) -> CallHandle? {
        let slot = slots[index]!
        refuse(reason, kind, state: slot.state, id: slot.id, handle: slot.handle, &actions)
        return nil
    }

    /// Changes a live call's state, journalling it first. The caller appends the effects and
    /// then `notify`.
    mutating func move(_ index: Int, to state: CallState, _ kind: CallEvent.Kind, _ now: Instant, _ actions: inout ActionBuffer) {
        let slot = slots[index]!
        actions.append(.journal(Transition(call: slot.handle, id: slot.id, from: slot.state, to: state, event: kind, at: now)))
        counters.leave(slot.state.name)
        counters.enter(state.name)
        slots[index]!.state = state
        slots[index]!.events &+= 1
    }

    mutating func notify(_ index: Int, _ actions: inout ActionBuffer) -> CallHandle {
        let slot = slots[index]!
        actions.append(.notify(slot.handle, slot.state))
        return slot.handle
    }

    mutating func arm(_ index: Int, _ kind: TimerKind, at deadline: Instant, _ actions: inout ActionBuffer) {
        disarm(index, &actions)
        slots[index]!.timerGeneration &+= 1
        let timer = ArmedTimer(kind: kind, deadline: deadline, generation: slots[index]!.timerGeneration)
        slots[index]!.timer = timer
        actions.append(.armTimer(slots[index]!.handle, timer))
    }

    mutating func disarm(_ index: Int, _ actions: inout ActionBuffer) {
        guard let timer = slots[index]!.timer else { return }
        slots[index]!.timer = nil
        actions.append(.cancelTimer(slots[index]!.handle, timer.kind))
    }

    mutating func startMedia(_ index: Int, _ actions: inout ActionBuffer) {
        slots[index]!.mediaStarted = true
        actions.append(.startMedia(slots[index]!.handle))
    }

    mutating func stopMedia(_ index: Int, _ actions: inout ActionBuffer) {
        guard slots[index]!.mediaStarted else { return }
        slots[index]!.mediaStarted = false
        actions.append(.stopMedia(slots[index]!.handle))
    }

    mutating func graph(_ index: Int, _ action: GraphCallAction, _ actions: inout ActionBuffer) {
        let slot = slots[index]!
        actions.append(.graph(GraphRequest(call: slot.id!, handle: slot.handle, action: action)))
    }

    /// The box ends an established or outbound call: `terminate` at Meta (spec §3.3), then
    /// `ending` until Graph or Meta's terminate webhook confirms.
    mutating func startEnding(_ index: Int, _ reason: EndReason, _ kind: CallEvent.Kind, _ now: Instant, _ actions: inout ActionBuffer) -> CallHandle {
        move(index, to: .ending, kind, now, &actions)
        slots[index]!.endReason = reason
        graph(index, .terminate, &actions)
        stopMedia(index, &actions)
        disarm(index, &actions)
        return notify(index, &actions)
    }

    /// How a call the box was ending turned out.
    func endingOutcome(_ slot: CallSlot) -> CallOutcome {
        switch slot.endReason {
        case .noMedia, .answerTimeout, .graphFailure, .lostInRestart, .remoteFailure: .failed
        case .dialTimeout: .missed
        case .remoteRejected: .rejected
        case .localHangup, .localDecline, .remoteHangup, .ringTimeout, nil: slot.answeredAt == nil ? .missed : .completed
        }
    }

    /// Moves a call to its terminal state, emits its one call record and frees the slot.
    mutating func finish(_ index: Int, _ outcome: CallOutcome, _ reason: EndReason, _ kind: CallEvent.Kind, _ now: Instant,
                         graph action: GraphCallAction? = nil, duration: TimeSpan? = nil, _ actions: inout ActionBuffer) -> CallHandle {
        let wasRinging = slots[index]!.direction == .inbound && slots[index]!.state.name == .ringing
        move(index, to: outcome.terminalState, kind, now, &actions)
        if let action { graph(index, action, &actions) }
        if wasRinging { actions.append(.stopRinging(slots[index]!.handle)) }
        stopMedia(index, &actions)
        disarm(index, &actions)
        let slot = slots[index]!
        actions.append(.record(CallRecord(
            call: slot.handle, id: slot.id, direction: slot.direction, remote: slot.remote, business: slot.business,
            offeredAt: slot.offeredAt, answeredAt: slot.answeredAt, endedAt: now,
            duration: duration ?? slot.answeredAt.map { now - $0 } ?? .zero,
            outcome: outcome, answerer: slot.answerer, endReason: reason)))
        actions.append(.notify(slot.handle, slot.state))
        if let id = slot.id { recentlyEnded.remember(id) }
        slots[index] = nil
        generations[index] &+= 1
        return slot.handle
    }
}
