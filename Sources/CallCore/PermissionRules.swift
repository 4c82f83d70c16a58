/// Meta's limits on asking a WhatsApp user for call permission and on calling them
/// (whatsapp-cloud-api.md §4.5), per business number + user pair. The defaults are the
/// production rules; the config (`[permissions]`) may loosen them for test numbers.
public struct PermissionRules: Hashable, Sendable {
    /// Meta §4.5: at most 1 permission request per 24 h (error 138009).
    public static let defaultRequestCooldown = TimeSpan.hours(24)
    /// Meta §4.5: at most 2 permission requests per 7 days, free-form and template combined (error 138009).
    public static let defaultMaxRequestsPerWeek = 2
    /// Meta §4.4: the weekly request limit is a rolling window (`time_period` `P7D`).
    public static let requestWindow = TimeSpan.days(7)
    /// Meta §4.5: an ignored request expires 7 days after delivery.
    public static let unansweredRequestLifetime = TimeSpan.days(7)
    /// Meta §4.5: a temporary permission lasts 7 calendar days (168 h) from approval.
    public static let defaultTemporaryValidity = TimeSpan.days(7)
    /// Meta §4.5: 4 consecutive unanswered or rejected business-initiated calls revoke the permission.
    public static let defaultRevokeAfterMissed = 4
    /// Meta §4.5: test numbers allow 100 requests per week, the most the config accepts, so a
    /// record never needs more request times than this.
    public static let maxTrackedRequests = 100

    public private(set) var requestCooldown: TimeSpan
    public private(set) var maxRequestsPerWeek: Int
    public private(set) var temporaryValidity: TimeSpan
    public private(set) var revokeAfterMissed: Int

    /// Counts are clamped to what the window arithmetic needs (at least one request, at most
    /// the tracked ones; at least one call); `[permissions]` validation already keeps them there.
    public init(requestCooldown: TimeSpan = defaultRequestCooldown,
                maxRequestsPerWeek: Int = defaultMaxRequestsPerWeek,
                temporaryValidity: TimeSpan = defaultTemporaryValidity,
                revokeAfterMissed: Int = defaultRevokeAfterMissed) {
        self.requestCooldown = requestCooldown
        self.maxRequestsPerWeek = min(max(maxRequestsPerWeek, 1), Self.maxTrackedRequests)
        self.temporaryValidity = temporaryValidity
        self.revokeAfterMissed = max(revokeAfterMissed, 1)
    }
}
