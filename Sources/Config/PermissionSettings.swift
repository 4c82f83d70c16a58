import CallCore

/// `[permissions]`: the local limits on asking WhatsApp users for call permission, enforced
/// before Meta is asked. Defaults are Meta's production rules (specs/whatsapp-cloud-api.md,
/// "Limits"); ranges reach the looser sandbox/test-number rules and no further.
public struct PermissionSettings: Hashable, Sendable {
    /// Meta: at most 1 request per 24 h.
    public var requestCooldown: TimeSpan
    /// Meta: at most 2 requests per 7 days (test numbers: 100 per week).
    public var maxRequestsPerWeek: Int
    /// Meta: a temporary permission lasts 7 days.
    public var temporaryValidity: TimeSpan
    /// Meta: 4 consecutive unanswered calls revoke the permission (test numbers: 10).
    public var revokeAfterMissed: Int

    static let cooldowns = TimeSpan.zero...TimeSpan.days(7)
    static let weeklyRequests = 1...100
    static let validities = TimeSpan.hours(1)...TimeSpan.days(30)
    static let missedCalls = 1...10

    static func read(_ reader: inout SectionReader) -> PermissionSettings {
        PermissionSettings(
            requestCooldown: reader.value("request_cooldown") { DurationValue.parse($0, within: cooldowns) } ?? .zero,
            maxRequestsPerWeek: reader.value("max_requests_per_week") { IntegerValue.parse($0, within: weeklyRequests) } ?? 0,
            temporaryValidity: reader.value("temporary_validity") { DurationValue.parse($0, within: validities) } ?? .zero,
            revokeAfterMissed: reader.value("revoke_after_missed") { IntegerValue.parse($0, within: missedCalls) } ?? 0)
    }
}
