import CallCore

/// Keys of webhook events already handled, so a redelivered event is recognised after a
/// restart too (Meta delivers at least once; whatsapp-cloud-api.md §1.3). The caller builds
/// the key from the spec's dedup fields, e.g. `call:<wacid>:connect` or `status:<wamid>:read`.
public struct EventKeys {
    /// Meta retries an unacknowledged delivery for up to 7 days (§1.3); a key older than
    /// that cannot come back, so it can be forgotten.
    public static let retention = TimeSpan.days(7)

    let connection: SQLiteConnection

    /// Records `key` as seen at `time`. True if it is new, false if it was seen before.
    public func rememberEvent(key: String, at time: Instant) throws -> Bool {
        try connection.transaction {
            try connection.execute("INSERT INTO seen_events (key, seen_at) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING") {
                try $0.bind(1, key)
                try $0.bind(2, time.unixMilliseconds)
            } == 1
        }
    }

    /// Forgets keys seen more than `retention` before `now`; returns how many.
    @discardableResult
    public func prune(now: Instant, retention: TimeSpan = retention) throws -> Int {
        try connection.transaction {
            try connection.execute("DELETE FROM seen_events WHERE seen_at < ?1") {
                try $0.bind(1, (now - retention).unixMilliseconds)
            }
        }
    }
}
