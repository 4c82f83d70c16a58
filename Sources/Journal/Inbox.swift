import CallCore

/// Where a webhook delivery stands.
public enum InboxState: String, Sendable, CaseIterable {
    /// Committed, not yet processed (or requeued to be processed again).
    case pending
    case processed
    /// The body could not be decoded; kept for a person to look at, never retried.
    case undecodable
    /// Processing gave up; kept with its error.
    case failed
}

/// One raw webhook body as Meta sent it, with what became of it.
public struct InboxDelivery: Equatable, Sendable {
    public let id: Int64
    public let receivedAt: Instant
    /// The exact bytes whose signature was checked; never re-serialised.
    public let body: [UInt8]
    public let state: InboxState
    public let error: String?
    /// How many times processing was tried and handed back with `requeue`.
    public let attempts: Int
    public let processedAt: Instant?
}

/// How many deliveries are in each state, for `/metrics` and `callbox journal`.
public struct InboxCounts: Equatable, Sendable {
    public var pending = 0
    public var processed = 0
    public var undecodable = 0
    public var failed = 0
}

/// The durable webhook inbox. A delivery is answered 200 only after `append` returns
/// (DESIGN.md §4.3); processing happens later from `pending`.
public struct Inbox {
    let connection: SQLiteConnection

    /// Commits a batch of raw bodies in one transaction and returns their ids in order.
    /// The HTTP server gathers the POSTs that arrived together and answers them all after
    /// this one commit, so one fsync serves many webhooks.
    public func append(deliveries: [[UInt8]], receivedAt: Instant) throws -> [Int64] {
        try connection.transaction {
            var ids: [Int64] = []
            ids.reserveCapacity(deliveries.count)
            for body in deliveries {
                try connection.execute("INSERT INTO inbox (received_at, body) VALUES (?1, ?2)") {
                    try $0.bind(1, receivedAt.unixMilliseconds)
                    try $0.bind(2, body)
                }
                ids.append(connection.lastInsertRowID)
            }
            return ids
        }
    }

    /// Deliveries waiting to be processed, oldest first.
    public func pending(limit: Int) throws -> [InboxDelivery] {
        try deliveries(in: .pending, limit: limit)
    }

    /// Deliveries that could not be decoded, oldest first.
    public func undecodable(limit: Int) throws -> [InboxDelivery] {
        try deliveries(in: .undecodable, limit: limit)
    }

    public func delivery(id: Int64) throws -> InboxDelivery? {
        try connection.queryFirst("""
            SELECT id, received_at, body, state, error, attempts, processed_at FROM inbox WHERE id = ?1
            """, { try $0.bind(1, id) }, row: Self.delivery(from:))
    }

    public func markProcessed(id: Int64, at time: Instant) throws {
        try setState(id: id, .processed, error: nil, at: time)
    }

    /// The body is not a webhook this build understands; keep it and its error, don't retry.
    public func markUndecodable(id: Int64, error: String, at time: Instant) throws {
        try setState(id: id, .undecodable, error: error, at: time)
    }

    /// Processing gave up on this delivery for good.
    public func markFailed(id: Int64, error: String, at time: Instant) throws {
        try setState(id: id, .failed, error: error, at: time)
    }

    /// Puts a delivery back in `pending` to be processed again later (a dependency was down),
    /// counting the attempt and keeping why it was handed back.
    public func requeue(id: Int64, error: String?) throws {
        try connection.transaction {
            let changed = try connection.execute("""
                UPDATE inbox SET state = 'pending', error = ?2, attempts = attempts + 1, processed_at = NULL
                WHERE id = ?1
                """) {
                try $0.bind(1, id)
                try $0.bind(2, error)
            }
            try Self.requireRow(changed, id: id, "requeue")
        }
    }

    /// How long a processed delivery's body is kept: Meta redelivers for up to 7 days (spec
    /// §1.3), and the event keys that recognise a redelivery are kept as long, apart from it.
    public static let processedRetention = TimeSpan.days(7)

    /// Deletes deliveries processed before `time`, bodies and all; undecodable and failed ones
    /// stay for `callbox journal reprocess`. Returns how many went.
    @discardableResult
    public func pruneProcessed(before time: Instant) throws -> Int {
        try connection.transaction {
            try connection.execute("DELETE FROM inbox WHERE state = 'processed' AND processed_at < ?1") {
                try $0.bind(1, time.unixMilliseconds)
            }
        }
    }

    public func counts() throws -> InboxCounts {
        var counts = InboxCounts()
        let rows = try connection.query("SELECT state, count(*) FROM inbox GROUP BY state") {
            (try $0.text(0), Int(try $0.int64(1)))
        }
        for (state, count) in rows {
            switch InboxState(rawValue: state) {
            case .pending: counts.pending = count
            case .processed: counts.processed = count
            case .undecodable: counts.undecodable = count
            case .failed: counts.failed = count
            case nil: break
            }
        }
        return counts
    }

    private func deliveries(in state: InboxState, limit: Int) throws -> [InboxDelivery] {
        try connection.query("""
            SELECT id, received_at, body, state, error, attempts, processed_at FROM inbox
            WHERE state = ?1 ORDER BY id LIMIT ?2
            """, {
                try $0.bind(1, state.rawValue)
                try $0.bind(2, Int64(limit))
            }, row: Self.delivery(from:))
    }

    private func setState(id: Int64, _ state: InboxState, error: String?, at time: Instant) throws {
        try connection.transaction {
            let changed = try connection.execute("""
                UPDATE inbox SET state = ?2, error = ?3, processed_at = ?4 WHERE id = ?1
                """) {
                try $0.bind(1, id)
                try $0.bind(2, state.rawValue)
                try $0.bind(3, error)
                try $0.bind(4, time.unixMilliseconds)
            }
            try Self.requireRow(changed, id: id, "mark \(state.rawValue)")
        }
    }

    private static func requireRow(_ changed: Int, id: Int64, _ operation: String) throws {
        guard changed == 1 else {
            throw JournalError(kind: .unexpectedData, resultCode: 0, operation: "inbox \(operation)",
                               message: "no delivery with id \(id)")
        }
    }

    private static func delivery(from row: Statement) throws -> InboxDelivery {
        let stateName = try row.text(3)
        guard let state = InboxState(rawValue: stateName) else {
            throw JournalError(kind: .unexpectedData, resultCode: 0, operation: "read inbox",
                               message: "unknown delivery state '\(stateName)'")
        }
        return InboxDelivery(id: try row.int64(0),
                             receivedAt: Instant(unixMilliseconds: try row.int64(1)),
                             body: try row.blob(2),
                             state: state,
                             error: row.optionalText(4),
                             attempts: Int(try row.int64(5)),
                             processedAt: row.optionalInt64(6).map(Instant.init(unixMilliseconds:)))
    }
}
