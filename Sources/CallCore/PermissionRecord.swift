/// What the box remembers about one contact's call permission: enough to apply Meta's
/// limits (whatsapp-cloud-api.md §4.5) locally before Meta is asked. Changed only through
/// `PermissionPolicy`, which reports every change for the journal.
public struct PermissionRecord: Hashable, Sendable {
    public var state: PermissionState
    /// Requests sent since the last connected call, oldest first; only those the rolling
    /// window can still count, at most `PermissionRules.maxTrackedRequests`.
    public var requestTimes: [Instant]
    /// Business-initiated calls in a row that were not answered or were rejected.
    public var consecutiveUnanswered: Int
    /// When the record last changed.
    public var updatedAt: Instant

    public init(state: PermissionState = .none, requestTimes: [Instant] = [],
                consecutiveUnanswered: Int = 0, updatedAt: Instant) {
        self.state = state
        self.requestTimes = requestTimes
        self.consecutiveUnanswered = consecutiveUnanswered
        self.updatedAt = updatedAt
    }
}
