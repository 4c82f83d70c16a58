import CallCore

/// One contact's permission row as `callbox journal permissions` lists it.
public struct PermissionSummary: Equatable, Sendable {
    public var contactKey: String
    public var state: String
    public var expiresAt: Instant?
    public var updatedAt: Instant
    public var consecutiveMissed: Int
}

extension PermissionLedger {
    /// The most recently changed records first, at most `limit`.
    public func summaries(limit: Int) throws -> [PermissionSummary] {
        try connection.query("""
            SELECT contact_key, state, expires_at, updated_at, consecutive_missed FROM permissions
            ORDER BY updated_at DESC, contact_key LIMIT ?1
            """, { try $0.bind(1, Int64(max(limit, 1))) }) {
            PermissionSummary(contactKey: try $0.text(0), state: try $0.text(1),
                              expiresAt: $0.optionalInt64(2).map(Instant.init(unixMilliseconds:)),
                              updatedAt: Instant(unixMilliseconds: try $0.int64(3)), consecutiveMissed: Int(try $0.int64(4)))
        }
    }
}
