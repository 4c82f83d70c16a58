/// The one timer a call can have armed at a time; which one follows from its state.
public enum TimerKind: String, Hashable, Sendable, CaseIterable {
    /// Inbound `ringing`: nobody answered, so `reject` and record a missed call.
    case ringTimeout = "ring_timeout"
    /// Inbound `answering`: pre_accept/accept did not both return in time.
    case answerTimeout = "answer_timeout"
    /// `active` without media: Meta would drop the call anyway (spec §6.2), so end it first.
    case noMediaGuard = "no_media_guard"
    /// Outbound `dialing`/`ringing`: the WhatsApp user did not answer.
    case dialTimeout = "dial_timeout"
}

/// A timer as the slot remembers it. The generation changes on every arm, so a timer that
/// fires after its state was left is recognised as stale even if the same kind was re-armed.
public struct ArmedTimer: Hashable, Sendable {
    public var kind: TimerKind
    public var deadline: Instant
    public var generation: UInt32
}

/// What the daemon hands back when a timer it armed fires.
public struct TimerFired: Hashable, Sendable {
    public var call: CallHandle
    public var kind: TimerKind
    public var generation: UInt32

    public init(call: CallHandle, kind: TimerKind, generation: UInt32) {
        self.call = call
        self.kind = kind
        self.generation = generation
    }
}
