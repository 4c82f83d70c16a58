import CallCore

/// One row of a contact's permission history, as journalled. Strings, not enums, because
/// rows written by older builds keep their own spellings.
public struct PermissionHistoryEntry: Equatable, Sendable {
    public var at: Instant
    public var fromState: String
    public var toState: String
    public var reason: String
    public var source: String

    public init(at: Instant, fromState: String, toState: String, reason: String, source: String) {
        self.at = at
        self.fromState = fromState
        self.toState = toState
        self.reason = reason
        self.source = source
    }
}

/// Each contact's call-permission record (`permissions`) and every change to it
/// (`permission_history`), so Meta's limits (whatsapp-cloud-api.md §4.5) survive restarts.
///
/// The request times a record needs for the rolling window are the history's
/// `request_sent` rows since its last `limits_reset` row, so the ledger keeps no second
/// copy of them; `save` with the change that produced the record is therefore the only way
/// a record is written.
public struct PermissionLedger {
    let connection: SQLiteConnection

    /// Contacts are keyed by their business-scoped user id when Meta gives one, else by phone
    /// (whatsapp-cloud-api.md §9). Nil when neither is known.
    public static func contactKey(userId: String?, phone: PhoneNumber?) -> String? {
        if let userId, !userId.isEmpty { return userId }
        return phone?.description
    }

    /// The contact's record, or nil for a contact the box has never recorded.
    public func record(contactKey: String) throws -> PermissionRecord? {
        let row = try connection.queryFirst("""
            SELECT state, expires_at, updated_at, consecutive_missed FROM permissions WHERE contact_key = ?1
            """, { try $0.bind(1, contactKey) }) {
            (try $0.text(0), $0.optionalInt64(1), try $0.int64(2), try $0.int64(3))
        }
        guard let (stateName, expiresAt, updatedAt, missed) = row else { return nil }
        let state = try Self.state(named: stateName, expiresAt: expiresAt, contactKey: contactKey)
        let journalled = try connection.query("""
            SELECT at FROM (
                SELECT id, at FROM permission_history
                WHERE contact_key = ?1 AND reason = ?2
                  AND id > coalesce((SELECT max(id) FROM permission_history
                                     WHERE contact_key = ?1 AND reason = ?3), 0)
                ORDER BY id DESC LIMIT ?4)
            ORDER BY id
            """, {
                try $0.bind(1, contactKey)
                try $0.bind(2, PermissionChangeReason.requestSent.rawValue)
                try $0.bind(3, PermissionChangeReason.limitsReset.rawValue)
                try $0.bind(4, Int64(PermissionRules.maxTrackedRequests))
            }) { Instant(unixMilliseconds: try $0.int64(0)) }
        // As `PermissionPolicy.recordRequest` left them: only those the window still held
        // when the newest was sent.
        let requestTimes = journalled.last.map { newest in
            journalled.filter { newest < $0 + PermissionRules.requestWindow }
        } ?? []
        return PermissionRecord(state: state, requestTimes: requestTimes, consecutiveUnanswered: Int(missed),
                                updatedAt: Instant(unixMilliseconds: updatedAt))
    }

    /// Writes the record and appends `change` to its history, in one transaction.
    public func save(_ record: PermissionRecord, contactKey: String, change: PermissionChange) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO permissions (contact_key, state, expires_at, updated_at, consecutive_missed)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (contact_key) DO UPDATE SET
                    state = excluded.state, expires_at = excluded.expires_at,
                    updated_at = excluded.updated_at, consecutive_missed = excluded.consecutive_missed
                """) {
                try $0.bind(1, contactKey)
                try $0.bind(2, record.state.name.rawValue)
                try $0.bind(3, record.state.expires?.unixMilliseconds)
                try $0.bind(4, record.updatedAt.unixMilliseconds)
                try $0.bind(5, Int64(record.consecutiveUnanswered))
            }
            try connection.execute("""
                INSERT INTO permission_history (contact_key, at, from_state, to_state, reason, source)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """) {
                try $0.bind(1, contactKey)
                try $0.bind(2, change.at.unixMilliseconds)
                try $0.bind(3, change.from.name.rawValue)
                try $0.bind(4, change.to.name.rawValue)
                try $0.bind(5, change.reason.rawValue)
                try $0.bind(6, change.source.rawValue)
            }
        }
    }

    /// The contact's changes, oldest first.
    public func history(contactKey: String) throws -> [PermissionHistoryEntry] {
        try connection.query("""
            SELECT at, from_state, to_state, reason, source FROM permission_history
            WHERE contact_key = ?1 ORDER BY id
            """, { try $0.bind(1, contactKey) }) {
            PermissionHistoryEntry(at: Instant(unixMilliseconds: try $0.int64(0)), fromState: try $0.text(1),
                                   toState: try $0.text(2), reason: try $0.text(3), source: try $0.text(4))
        }
    }

    private static func state(named name: String, expiresAt: Int64?, contactKey: String) throws -> PermissionState {
        switch PermissionState.Name(rawValue: name) {
        case .none?: return .none
        case .requested?: return .requested
        case .permanent?: return .permanent
        case .rejected?: return .rejected
        case .revoked?: return .revoked
        case .temporary?:
            if let expiresAt { return .temporary(expires: Instant(unixMilliseconds: expiresAt)) }
        case nil:
            break
        }
        throw JournalError(kind: .unexpectedData, resultCode: 0, operation: "read permission of \(contactKey)",
                           message: "state \(name) with expires_at \(expiresAt.map(String.init) ?? "NULL") is not a permission")
    }
}
