import CallCore

/// A WhatsApp user's business-scoped id (BSUID) changed (spec §11.4: a new phone number brings
/// a new BSUID). Everything the box keeps under the old id moves to the new one in one go, so
/// the conversation, the permission and its history, and the calls stay one user's.
public struct UserIDChanges {
    let connection: SQLiteConnection

    public struct Moved: Equatable, Sendable {
        public var messages: Int
        public var permissions: Int
        public var calls: Int
    }

    /// Re-points `previous` to `current`. A permission already held under `current` is newer
    /// than the old one and is kept; the old record's history moves either way. Run inside the
    /// caller's transaction.
    @discardableResult
    public func repoint(previous: String, current: String, phone: String?, at time: Instant) throws -> Moved {
        guard previous != current else { return Moved(messages: 0, permissions: 0, calls: 0) }
        let messages = try connection.execute("UPDATE comms_log SET contact_key = ?2 WHERE contact_key = ?1") {
            try $0.bind(1, previous)
            try $0.bind(2, current)
        }
        let permissions = try connection.execute("UPDATE OR IGNORE permissions SET contact_key = ?2 WHERE contact_key = ?1") {
            try $0.bind(1, previous)
            try $0.bind(2, current)
        }
        _ = try connection.execute("DELETE FROM permissions WHERE contact_key = ?1") { try $0.bind(1, previous) }
        _ = try connection.execute("UPDATE permission_history SET contact_key = ?2 WHERE contact_key = ?1") {
            try $0.bind(1, previous)
            try $0.bind(2, current)
        }
        let calls = try connection.execute("UPDATE call_sessions SET remote_user_id = ?2 WHERE remote_user_id = ?1") {
            try $0.bind(1, previous)
            try $0.bind(2, current)
        }
        _ = try connection.execute("INSERT INTO user_id_changes (previous, current, phone, at) VALUES (?1, ?2, ?3, ?4)") {
            try $0.bind(1, previous)
            try $0.bind(2, current)
            try $0.bind(3, phone)
            try $0.bind(4, time.unixMilliseconds)
        }
        return Moved(messages: messages, permissions: permissions, calls: calls)
    }

    /// The id a user had become, following every recorded change from `id`; `id` itself when
    /// it never changed.
    public func current(for id: String) throws -> String {
        var latest = id
        var seen: Set<String> = [id]
        while let next = try connection.queryFirst("SELECT current FROM user_id_changes WHERE previous = ?1 ORDER BY id DESC LIMIT 1",
                                                   { try $0.bind(1, latest) }, row: { try $0.text(0) }),
              seen.insert(next).inserted {
            latest = next
        }
        return latest
    }
}
