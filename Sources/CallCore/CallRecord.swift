/// How a call turned out, as the call record states it.
public enum CallOutcome: String, Hashable, Sendable, CaseIterable {
    case completed, missed, rejected, failed
    /// Meta refused an outbound call because one with this user is already ongoing (138003).
    case busy

    /// The terminal state a call with this outcome ends in.
    var terminalState: CallState {
        switch self {
        case .completed: .ended
        case .missed: .missed
        case .rejected: .rejected
        case .failed, .busy: .failed
        }
    }
}

/// The call detail record (CDR), emitted once per call.
public struct CallRecord: Hashable, Sendable {
    public var call: CallHandle
    public var id: CallId?
    public var direction: CallDirection
    public var remote: WhatsAppUser
    public var business: PhoneNumber
    public var offeredAt: Instant
    public var answeredAt: Instant?
    public var endedAt: Instant
    /// Meta's billed duration when the terminate webhook carries one, else answer to end.
    public var duration: TimeSpan
    public var outcome: CallOutcome
    public var answerer: Answerer?
    public var endReason: EndReason
}
