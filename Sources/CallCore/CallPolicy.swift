/// The configurable limits of the call table, with defaults from DESIGN §5 and the spec.
public struct CallPolicy: Hashable, Sendable {
    /// Calls the box holds at once; DESIGN §5 `[box] max_calls` default.
    public static let defaultMaxCalls = 8
    /// Upper bound on `maxCalls`: Meta allows 1000 concurrent calls per business number (spec §3.4).
    public static let maxCallsLimit = 1000
    /// Seconds an unanswered inbound call rings; DESIGN §5 `[routing] ring_timeout`, inside Meta's 30–60 s accept window (spec §3.1).
    public static let defaultRingTimeout = TimeSpan.seconds(45)
    /// Seconds for pre_accept + accept to both return; Meta drops unaccepted calls after 30–60 s (spec §3.1).
    public static let defaultAnswerTimeout = TimeSpan.seconds(20)
    /// Seconds without media after accept before the box gives up; Meta drops a call after 20 s (start) / 30 s (established) without business media (spec §6.2).
    public static let defaultNoMediaGuard = TimeSpan.seconds(30)
    /// Seconds an outbound call may go unanswered by the WhatsApp user before the box terminates it.
    public static let defaultDialTimeout = TimeSpan.seconds(60)
    /// Seconds after which a connect webhook is stale and gets no Graph action (spec §1.3, §10.2).
    public static let defaultStaleConnectAge = TimeSpan.seconds(60)

    public var maxCalls: Int
    public var ringTimeout: TimeSpan
    public var answerTimeout: TimeSpan
    public var noMediaGuard: TimeSpan
    public var dialTimeout: TimeSpan
    public var staleConnectAge: TimeSpan
    /// Send `pre_accept` before `accept`; Meta's FAQ allows skipping it when it cannot be timed (spec §3.1).
    public var preAccept: Bool

    public init(
        maxCalls: Int = CallPolicy.defaultMaxCalls,
        ringTimeout: TimeSpan = CallPolicy.defaultRingTimeout,
        answerTimeout: TimeSpan = CallPolicy.defaultAnswerTimeout,
        noMediaGuard: TimeSpan = CallPolicy.defaultNoMediaGuard,
        dialTimeout: TimeSpan = CallPolicy.defaultDialTimeout,
        staleConnectAge: TimeSpan = CallPolicy.defaultStaleConnectAge,
        preAccept: Bool = true
    ) {
        precondition((1...CallPolicy.maxCallsLimit).contains(maxCalls), "max_calls must be 1...\(CallPolicy.maxCallsLimit)")
        self.maxCalls = maxCalls
        self.ringTimeout = ringTimeout
        self.answerTimeout = answerTimeout
        self.noMediaGuard = noMediaGuard
        self.dialTimeout = dialTimeout
        self.staleConnectAge = staleConnectAge
        self.preAccept = preAccept
    }
}
