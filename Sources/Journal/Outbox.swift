import CallCore

/// Where an outbox item stands.
public enum OutboxState: String, Sendable, CaseIterable {
    /// Waiting for its next attempt (or in one).
    case pending
    /// The other system holds it; `objectID` says under which id.
    case delivered
    /// Given up on, with its reason, until a person requeues it.
    case parked
}

/// One write owed to another system (a HubSpot engagement), as the outbox keeps it.
public struct OutboxItem: Equatable, Sendable {
    public var id: Int64
    /// What the payload is, e.g. `hubspot_call`; the worker picks its sender by it.
    public var kind: String
    /// Unique per write; the other system stores it too, so a write whose answer was lost
    /// can be found instead of made twice.
    public var idempotencyKey: String
    public var payload: [UInt8]
    public var state: OutboxState
    /// Attempts started, counting one whose outcome never came back.
    public var attempts: Int
    public var nextAttemptAt: Instant
    public var lastAttemptAt: Instant?
    /// An earlier attempt may have created the object although no success came back (an
    /// ambiguous failure, or an attempt cut short by a crash): look it up before creating.
    public var mayExist: Bool
    public var lastError: String?
    public var objectID: String?
    public var parkedReason: String?
    public var createdAt: Instant
    /// When it was delivered or parked.
    public var finishedAt: Instant?
}

/// How many items are in each state, for `/metrics` and `callbox journal outbox`.
public struct OutboxCounts: Equatable, Sendable {
    public var pending = 0
    public var delivered = 0
    public var parked = 0
}

/// The durable outbox (DESIGN principle 3): writes to other systems are rows committed with
/// the state change that caused them, then delivered by a worker with retries.
///
/// The fate of every attempt is on disk before its request leaves (`beginAttempts`), so after
/// `kill -9` or a power cut the next attempt knows the previous one may have succeeded.
public final class Outbox {
    let connection: SQLiteConnection

    /// Called after a row is inserted (inside the caller's transaction, which commits before
    /// the loop runs anything else), so a worker can wake without polling.
    public var onEnqueue: (() -> Void)?

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    private static let columns = """
        id, kind, idempotency_key, payload, state, attempts, next_attempt_at, last_attempt_at, may_exist,
        last_error, object_id, parked_reason, created_at, finished_at
        """

    /// Adds a write, due at once, inside the caller's transaction if there is one. A second
    /// write with the same key (a replay of the event that caused it) is ignored: false.
    /// `dueAt` holds the first attempt back (a browser call's engagement waits for the widget).
    @discardableResult
    public func enqueue(kind: String, idempotencyKey: String, payload: [UInt8], now: Instant, dueAt: Instant? = nil) throws -> Bool {
        // Only the key conflict is ignored, as in CallRecords: a broken CHECK must still fail.
        let inserted = try connection.execute("""
            INSERT INTO outbox (idempotency_key, kind, payload, next_attempt_at, created_at)
            VALUES (?1, ?2, ?3, ?5, ?4)
            ON CONFLICT (idempotency_key) DO NOTHING
            """) {
            try $0.bind(1, idempotencyKey)
            try $0.bind(2, kind)
            try $0.bind(3, payload)
            try $0.bind(4, now.unixMilliseconds)
            try $0.bind(5, (dueAt ?? now).unixMilliseconds)
        } == 1
        if inserted { onEnqueue?() }
        return inserted
    }

    /// Pending items whose next attempt is due, oldest due first.
    public func due(at now: Instant, limit: Int) throws -> [OutboxItem] {
        try connection.query("""
            SELECT \(Self.columns) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1
            ORDER BY next_attempt_at, id LIMIT ?2
            """, {
                try $0.bind(1, now.unixMilliseconds)
                try $0.bind(2, Int64(limit))
            }, row: Self.item(from:))
    }

    /// When the earliest pending item falls due; nil when nothing is pending.
    public func nextDueAt() throws -> Instant? {
        try connection.queryFirst("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'") {
            $0.optionalInt64(0).map(Instant.init(unixMilliseconds:))
        } ?? nil
    }

    /// Records, durably and before any request leaves, that these items are being sent: the
    /// attempt counts, the object may exist from now on, and the item is not due again before
    /// `lease` has passed, the longest an attempt can take. A crash mid-attempt therefore
    /// leaves an item that is retried after the lease, looking the object up first.
    public func beginAttempts(ids: [Int64], at now: Instant, lease: TimeSpan) throws {
        guard !ids.isEmpty else { return }
        try connection.transaction {
            for id in ids {
                _ = try connection.execute("""
                    UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2, may_exist = 1, next_attempt_at = ?3
                    WHERE id = ?1 AND state = 'pending'
                    """) {
                    try $0.bind(1, id)
                    try $0.bind(2, now.unixMilliseconds)
                    try $0.bind(3, (now + lease).unixMilliseconds)
                }
            }
        }
    }

    /// The other system holds the object, under `objectID`.
    public func delivered(id: Int64, objectID: String, at now: Instant) throws {
        try finish(id: id, state: .delivered, at: now) {
            "object_id = ?3, last_error = NULL"
        } bind: {
            try $0.bind(3, objectID)
        }
    }

    /// Someone else wrote the object (the widget logged the call through HubSpot's SDK): a
    /// pending item ends delivered under `objectID` without an attempt. False when no item
    /// with this key is pending.
    @discardableResult
    public func deliveredElsewhere(idempotencyKey: String, objectID: String, note: String, at now: Instant) throws -> Bool {
        try connection.execute("""
            UPDATE outbox SET state = 'delivered', object_id = ?2, last_error = ?3, finished_at = ?4
            WHERE idempotency_key = ?1 AND state = 'pending'
            """) {
            try $0.bind(1, idempotencyKey)
            try $0.bind(2, objectID)
            try $0.bind(3, note)
            try $0.bind(4, now.unixMilliseconds)
        } == 1
    }

    /// The object exists already under `objectID` (the widget's engagement): the pending
    /// item updates it instead of creating one. False when no item with this key is pending.
    @discardableResult
    public func adopt(idempotencyKey: String, objectID: String) throws -> Bool {
        try connection.execute("UPDATE outbox SET object_id = ?2 WHERE idempotency_key = ?1 AND state = 'pending'") {
            try $0.bind(1, idempotencyKey)
            try $0.bind(2, objectID)
        } == 1
    }

    /// The attempt failed; the next one is due at `next`. `mayExist` says whether any attempt
    /// so far may have created the object. An attempt that HubSpot turned away unread (its
    /// rate limit) is not `counted`, so it does not use up the item's attempts.
    public func reschedule(id: Int64, next: Instant, error: String, mayExist: Bool, counted: Bool = true) throws {
        _ = try connection.transaction {
            try connection.execute("""
                UPDATE outbox SET next_attempt_at = ?2, last_error = ?3, may_exist = ?4, attempts = max(attempts - ?5, 0)
                WHERE id = ?1 AND state = 'pending'
                """) {
                try $0.bind(1, id)
                try $0.bind(2, next.unixMilliseconds)
                try $0.bind(3, error)
                try $0.bind(4, mayExist ? 1 : 0)
                try $0.bind(5, counted ? 0 : 1)
            }
        }
    }

    /// Gives up on the item until a person requeues it; kept, never dropped. `mayExist` as
    /// for `reschedule`: a requeued item is looked up first only if an attempt may have
    /// created it.
    public func park(id: Int64, reason: String, mayExist: Bool, at now: Instant) throws {
        try finish(id: id, state: .parked, at: now) {
            "parked_reason = ?3, last_error = coalesce(last_error, ?3), may_exist = ?4"
        } bind: {
            try $0.bind(3, reason)
            try $0.bind(4, mayExist ? 1 : 0)
        }
    }

    /// Puts a parked item back in the queue, due at once with a fresh attempt budget, keeping
    /// `mayExist`. False when there is no parked item with this id.
    @discardableResult
    public func requeue(id: Int64, at now: Instant) throws -> Bool {
        let changed = try connection.transaction {
            try connection.execute("""
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, parked_reason = NULL, finished_at = NULL
                WHERE id = ?1 AND state = 'parked'
                """) {
                try $0.bind(1, id)
                try $0.bind(2, now.unixMilliseconds)
            } == 1
        }
        if changed { onEnqueue?() }
        return changed
    }

    public func item(id: Int64) throws -> OutboxItem? {
        try connection.queryFirst("SELECT \(Self.columns) FROM outbox WHERE id = ?1", { try $0.bind(1, id) }, row: Self.item(from:))
    }

    public func item(idempotencyKey: String) throws -> OutboxItem? {
        try connection.queryFirst("SELECT \(Self.columns) FROM outbox WHERE idempotency_key = ?1",
                                  { try $0.bind(1, idempotencyKey) }, row: Self.item(from:))
    }

    /// Items in the given states, oldest first, for `callbox journal outbox`.
    public func list(states: [OutboxState], limit: Int) throws -> [OutboxItem] {
        let names = states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try connection.query("SELECT \(Self.columns) FROM outbox WHERE state IN (\(names)) ORDER BY id LIMIT ?1",
                                    { try $0.bind(1, Int64(limit)) }, row: Self.item(from:))
    }

    public func counts() throws -> OutboxCounts {
        var counts = OutboxCounts()
        let rows = try connection.query("SELECT state, count(*) FROM outbox GROUP BY state") { (try $0.text(0), try $0.int64(1)) }
        for (state, count) in rows {
            switch OutboxState(rawValue: state) {
            case .pending: counts.pending = Int(count)
            case .delivered: counts.delivered = Int(count)
            case .parked: counts.parked = Int(count)
            case nil: break
            }
        }
        return counts
    }

    /// When the oldest item still waiting was enqueued; nil when none waits.
    public func oldestPendingCreatedAt() throws -> Instant? {
        try connection.queryFirst("SELECT min(created_at) FROM outbox WHERE state = 'pending'") {
            $0.optionalInt64(0).map(Instant.init(unixMilliseconds:))
        } ?? nil
    }

    /// Drops delivered items finished before `cutoff`. Their keys go with them, which is safe
    /// once no replay can produce the same write again (a call is recorded once, in its own
    /// row, and a wamid is logged once). Returns how many.
    @discardableResult
    public func pruneDelivered(finishedBefore cutoff: Instant) throws -> Int {
        try connection.execute("DELETE FROM outbox WHERE state = 'delivered' AND finished_at < ?1") {
            try $0.bind(1, cutoff.unixMilliseconds)
        }
    }

    private func finish(id: Int64, state: OutboxState, at now: Instant, _ assignments: () -> String,
                        bind: (Statement) throws -> Void) throws {
        _ = try connection.transaction {
            try connection.execute("""
                UPDATE outbox SET state = '\(state.rawValue)', finished_at = ?2, \(assignments()) WHERE id = ?1 AND state = 'pending'
                """) {
                try $0.bind(1, id)
                try $0.bind(2, now.unixMilliseconds)
                try bind($0)
            }
        }
    }

    private static func item(from row: Statement) throws -> OutboxItem {
        OutboxItem(id: try row.int64(0), kind: try row.text(1), idempotencyKey: try row.text(2), payload: try row.blob(3),
                   state: OutboxState(rawValue: try row.text(4)) ?? .pending, attempts: Int(try row.int64(5)),
                   nextAttemptAt: Instant(unixMilliseconds: try row.int64(6)),
                   lastAttemptAt: row.optionalInt64(7).map(Instant.init(unixMilliseconds:)),
                   mayExist: try row.int64(8) != 0, lastError: row.optionalText(9), objectID: row.optionalText(10),
                   parkedReason: row.optionalText(11), createdAt: Instant(unixMilliseconds: try row.int64(12)),
                   finishedAt: row.optionalInt64(13).map(Instant.init(unixMilliseconds:)))
    }
}
