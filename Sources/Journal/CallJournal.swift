import CallCore

/// One committed state transition of one call.
public struct CallTransition: Equatable, Sendable {
    /// Commit order across all calls.
    public let seq: Int64
    public let callKey: String
    public let at: Instant
    public let fromState: String
    public let toState: String
    public let event: String
    public let detail: String
}

/// A call still open at the last commit: its latest transition and when it was first seen.
public struct OpenCall: Equatable, Sendable {
    public let latest: CallTransition
    public let firstSeenAt: Instant
}

/// The write-ahead call journal: every transition is committed here before its effects run
/// (DESIGN.md §4.3), and recovery reads it back after a crash.
///
/// A call is keyed by Meta's `wacid`, or by a local handle (`local:3:17`) for an outbound
/// call until Meta returns its id. `rekey` then rewrites the local key in place rather than
/// keeping a link table: every later query stays a plain lookup by one key, and the local
/// handle means nothing after the call ends.
public struct CallJournal {
    /// States after which nothing more happens to a call (the state machine's terminal
    /// states, by name).
    public static let terminalStates = ["ended", "missed", "rejected", "failed"]

    let connection: SQLiteConnection

    private static let terminalList = terminalStates.map { "'\($0)'" }.joined(separator: ", ")

    /// Commits one transition and returns its sequence number.
    @discardableResult
    public func appendTransition(callKey: String, at time: Instant, from fromState: String, to toState: String,
                                 event: String, detail: String = "") throws -> Int64 {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO call_journal (call_key, at, from_state, to_state, event, detail)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """) {
                try $0.bind(1, callKey)
                try $0.bind(2, time.unixMilliseconds)
                try $0.bind(3, fromState)
                try $0.bind(4, toState)
                try $0.bind(5, event)
                try $0.bind(6, detail)
            }
            return connection.lastInsertRowID
        }
    }

    /// A call's transitions in commit order.
    public func transitions(callKey: String) throws -> [CallTransition] {
        try connection.query("""
            SELECT seq, call_key, at, from_state, to_state, event, detail FROM call_journal
            WHERE call_key = ?1 ORDER BY seq
            """, { try $0.bind(1, callKey) }, row: { try Self.transition(from: $0) })
    }

    /// Moves everything filed under a local handle to Meta's call id: the journal rows and
    /// the call's session attributes, in one transaction. If attributes already exist under
    /// the call id, the local ones win: they hold the SDP the box itself sent. Returns the
    /// number of journal rows moved.
    @discardableResult
    public func rekey(from localKey: String, to callId: String) throws -> Int {
        try connection.transaction {
            let moved = try connection.execute("UPDATE call_journal SET call_key = ?2 WHERE call_key = ?1") {
                try $0.bind(1, localKey)
                try $0.bind(2, callId)
            }
            try connection.execute("UPDATE OR REPLACE call_sessions SET call_key = ?2 WHERE call_key = ?1") {
                try $0.bind(1, localKey)
                try $0.bind(2, callId)
            }
            return moved
        }
    }

    /// Calls whose latest transition is not terminal, in the order they were last touched:
    /// what crash recovery must pick up again.
    public func openCalls() throws -> [OpenCall] {
        try connection.query("""
            SELECT j.seq, j.call_key, j.at, j.from_state, j.to_state, j.event, j.detail, f.first_at
            FROM call_journal AS j
            JOIN (SELECT call_key, max(seq) AS last_seq, min(at) AS first_at
                  FROM call_journal GROUP BY call_key) AS f
              ON j.seq = f.last_seq
            WHERE j.to_state NOT IN (\(Self.terminalList))
            ORDER BY j.seq
            """) {
            OpenCall(latest: try Self.transition(from: $0),
                     firstSeenAt: Instant(unixMilliseconds: try $0.int64(7)))
        }
    }

    private static func transition(from row: Statement) throws -> CallTransition {
        CallTransition(seq: try row.int64(0),
                       callKey: try row.text(1),
                       at: Instant(unixMilliseconds: try row.int64(2)),
                       fromState: try row.text(3),
                       toState: try row.text(4),
                       event: try row.text(5),
                       detail: try row.text(6))
    }
}
