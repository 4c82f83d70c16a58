/// Why an event changed nothing. Refusals are normal input handling (Meta duplicates and
/// reorders deliveries, spec §1.3), logged and counted, never errors.
public enum RefusalReason: String, Hashable, Sendable, CaseIterable {
    /// No live call has this id or handle.
    case unknownCall = "unknown_call"
    /// The event repeats something the call already went through.
    case duplicateEvent = "duplicate_event"
    /// A connect webhook older than `staleConnectAge` (spec §1.3, §10.2).
    case staleConnect = "stale_connect"
    /// The event has no meaning in the call's current state.
    case notAllowedInState = "not_allowed_in_state"
    /// Every slot is busy; an incoming call is rejected at Meta, a dial is refused.
    case tableFull = "table_full"
    /// The call ended a moment ago; a late connect must not ring again (spec §10.2).
    case recentlyEnded = "recently_ended"
    /// A timer from a state the call already left.
    case staleTimer = "stale_timer"
}

/// A refusal with enough context for one log line.
public struct Refusal: Hashable, Sendable, CustomStringConvertible {
    public var reason: RefusalReason
    public var event: CallEvent.Kind
    /// The state the call was in, for `notAllowedInState` and `duplicateEvent`.
    public var state: CallState?
    public var id: CallId?
    public var handle: CallHandle?

    public init(reason: RefusalReason, event: CallEvent.Kind, state: CallState? = nil, id: CallId? = nil, handle: CallHandle? = nil) {
        self.reason = reason
        self.event = event
        self.state = state
        self.id = id
        self.handle = handle
    }

    /// One log line: `refused terminate for wacid.X (call 0.3, ending): duplicate_event`.
    public var description: String {
        var subject = ""
        if let id { subject += " for \(id)" }
        var context: [String] = []
        if let handle { context.append("call \(handle)") }
        if let state { context.append(state.name.rawValue) }
        if !context.isEmpty { subject += " (" + context.joined(separator: ", ") + ")" }
        return "refused \(event.rawValue)\(subject): \(reason.rawValue)"
    }
}
