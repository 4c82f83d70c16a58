/// Everything that can happen to a call, from Meta, from staff, from the daemon's own I/O.
/// Payloads are fixed-size; SDP text stays with the daemon.
public enum CallEvent: Hashable, Sendable {
    /// A user-initiated `connect` webhook with Meta's offer (spec §2.2).
    case incomingConnect(IncomingConnect)
    /// A business-initiated `connect` webhook carrying Meta's SDP answer (spec §2.3).
    case remoteAnswer(CallId)
    /// A call status webhook, business-initiated calls only (spec §2.4).
    case status(CallId, CallStatus)
    /// A `terminate` webhook (spec §2.5).
    case terminated(Termination)
    case answer(CallRef, Answerer)
    case decline(CallRef)
    case hangup(CallRef)
    case dial(Dial)
    /// The result of a `pre_accept`, `accept`, `reject` or `terminate` request.
    case graphOutcome(GraphOutcome)
    /// Graph accepted `connect` and returned `calls[0].id` (spec §3.2).
    case connectSucceeded(CallHandle, CallId)
    case connectFailed(CallHandle, GraphFailure)
    case mediaConnected(CallRef)
    case mediaLost(CallRef)
    case timerFired(TimerFired)

    /// The stable spelling of an event in journal rows and refusal logs.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case incomingConnect = "incoming_connect"
        case remoteAnswer = "remote_answer"
        case status
        case terminated = "terminate"
        case answer, decline, hangup, dial
        case graphOutcome = "graph_outcome"
        case connectSucceeded = "connect_succeeded"
        case connectFailed = "connect_failed"
        case mediaConnected = "media_connected"
        case mediaLost = "media_lost"
        case timerFired = "timer_fired"
        /// Not an event anyone sends: the transitions `CallTable.recover` makes after a restart.
        case recovery
    }

    public var kind: Kind {
        switch self {
        case .incomingConnect: .incomingConnect
        case .remoteAnswer: .remoteAnswer
        case .status: .status
        case .terminated: .terminated
        case .answer: .answer
        case .decline: .decline
        case .hangup: .hangup
        case .dial: .dial
        case .graphOutcome: .graphOutcome
        case .connectSucceeded: .connectSucceeded
        case .connectFailed: .connectFailed
        case .mediaConnected: .mediaConnected
        case .mediaLost: .mediaLost
        case .timerFired: .timerFired
        }
    }
}

public struct IncomingConnect: Hashable, Sendable {
    public var id: CallId
    /// The caller: a phone, a BSUID, or both (username users have no phone, spec §11.4).
    public var from: WhatsAppUser
    public var to: PhoneNumber
    /// The webhook's `timestamp`; decides staleness (spec §1.3).
    public var timestamp: Instant

    public init(id: CallId, from: WhatsAppUser, to: PhoneNumber, timestamp: Instant) {
        self.id = id
        self.from = from
        self.to = to
        self.timestamp = timestamp
    }
}

/// Outbound call statuses (spec §2.4). Meta sends them upper case; the decoder maps them.
public enum CallStatus: String, Hashable, Sendable, CaseIterable {
    case ringing = "RINGING"
    case accepted = "ACCEPTED"
    case rejected = "REJECTED"
}

/// The terminate webhook's `status`, which Meta sends as a string or an array in varying
/// case (spec §2.1); the decoder reduces it to one of these.
public enum TerminateStatus: String, Hashable, Sendable, CaseIterable {
    case completed = "COMPLETED"
    case failed = "FAILED"
    case rejected = "REJECTED"
}

public struct Termination: Hashable, Sendable {
    public var id: CallId
    public var status: TerminateStatus
    /// Present only when the call was picked up (spec §2.5); preferred over the box's own
    /// measurement because Meta bills on it.
    public var duration: TimeSpan?
    public var startedAt: Instant?
    public var endedAt: Instant?

    public init(id: CallId, status: TerminateStatus, duration: TimeSpan? = nil, startedAt: Instant? = nil, endedAt: Instant? = nil) {
        self.id = id
        self.status = status
        self.duration = duration
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// The duration Meta counts: `duration`, else `end_time - start_time`; nil when the call
    /// was never picked up.
    public var billedDuration: TimeSpan? {
        if let duration { return duration }
        guard let startedAt, let endedAt else { return nil }
        return endedAt - startedAt
    }
}

public struct Dial: Hashable, Sendable {
    /// Graph's `to` when a phone is known, `recipient` when only a BSUID is (spec §11.4).
    public var to: WhatsAppUser
    /// The business number placing the call.
    public var from: PhoneNumber
    public var by: Answerer

    public init(to: WhatsAppUser, from: PhoneNumber, by: Answerer) {
        self.to = to
        self.from = from
        self.by = by
    }
}
