import CSQLite
import Glibc

/// The one place that holds a `sqlite3*`. Everything else in the journal speaks SQL through
/// it and never sees a pointer.
///
/// One thread only: the daemon's event loop owns the database (DESIGN.md §4.4), so the
/// connection is opened with SQLITE_OPEN_NOMUTEX and is deliberately not `Sendable`.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String
    /// Prepared statements by SQL text, prepared on first use and reused: the daemon runs
    /// the same few statements for every webhook and transition.
    private var statements: [String: Statement] = [:]
    /// Open `transaction` scopes; see Transaction.swift.
    var transactionDepth = 0
    var commitLatency = CommitLatencyHistogram()

    init(path: String) throws {
        self.path = path
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        handle = opened
        guard code == SQLITE_OK else {
            // Without the OS error: after a failed create SQLite retries read-only, so its
            // errno describes the retry, not the cause. Journal.init diagnoses the directory.
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let failure = JournalError(resultCode: code, operation: "open \(path)", message: message)
            sqlite3_close_v2(opened)
            handle = nil
            throw failure
        }
        sqlite3_extended_result_codes(opened, 1)
        // SQLite quietly opens a file it may not write read-only; the journal must write, so
        // say so now rather than at the first webhook.
        if sqlite3_db_readonly(opened, "main") == 1 {
            sqlite3_close_v2(opened)
            handle = nil
            throw JournalError(kind: .readOnly, resultCode: SQLITE_READONLY, operation: "open \(path)",
                               message: "the database file or its directory is not writable")
        }
    }

    deinit {
        // A connection dropped without `close()` still releases its file handles. Nothing
        // committed depends on this: it is in the WAL file already, and the next open
        // replays it even when the process died before getting here.
        for statement in statements.values { statement.finalize() }
        sqlite3_close_v2(handle)
    }

    /// The SQLite library actually loaded (Debian's, so it can differ from the headers).
    static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// Runs SQL text that may hold several statements and binds nothing: pragmas and
    /// migration scripts, never anything with values from outside.
    func executeScript(_ sql: String) throws {
        let db = try openHandle("execute")
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(message)
            throw JournalError(resultCode: sqlite3_extended_errcode(db), operation: "execute \(sql.prefix(60))",
                               message: text)
        }
    }

    /// Runs one cached statement to completion and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bind: (Statement) throws -> Void = { _ in }) throws -> Int {
        let statement = try cached(sql)
        defer { statement.reset() }
        try bind(statement)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs one cached statement and maps every result row.
    func query<Row>(_ sql: String, _ bind: (Statement) throws -> Void = { _ in },
                    row: (Statement) throws -> Row) throws -> [Row] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try bind(statement)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(try row(statement))
        }
        return rows
    }

    /// The first row of a query, if any.
    func queryFirst<Row>(_ sql: String, _ bind: (Statement) throws -> Void = { _ in },
                         row: (Statement) throws -> Row) throws -> Row? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try bind(statement)
        return try statement.step() ? try row(statement) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// False while an explicit transaction is open (SQLite may end one by itself after an
    /// I/O or disk-full error, which is why this is asked rather than tracked).
    var isInAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Checkpoints the WAL into the main file and closes. Afterwards every call fails with
    /// `JournalError.Kind.closed`.
    func close() throws {
        guard let db = handle else { return }
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        // TRUNCATE leaves a zero-length WAL, so the next start has nothing to replay.
        var checkpointFailure: JournalError?
        let code = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        if code != SQLITE_OK { checkpointFailure = error(code, "checkpoint on close") }
        let closeCode = sqlite3_close(db)
        guard closeCode == SQLITE_OK else { throw error(closeCode, "close") }
        handle = nil
        if let checkpointFailure { throw checkpointFailure }
    }

    /// A `JournalError` for `code` with SQLite's message and, when SQLite saw one, the OS
    /// error behind it (EACCES, EROFS, ENOSPC are what an installer needs to read).
    func error(_ code: Int32, _ operation: String) -> JournalError {
        guard let db = handle else {
            return JournalError(resultCode: code, operation: operation, message: String(cString: sqlite3_errstr(code)))
        }
        var message = String(cString: sqlite3_errmsg(db))
        let systemError = sqlite3_system_errno(db)
        if systemError != 0 {
            message += " (OS: \(String(cString: strerror(systemError))))"
        }
        let extended = sqlite3_extended_errcode(db)
        return JournalError(resultCode: extended & 0xff == code & 0xff ? extended : code,
                            operation: operation, message: message)
    }

    private func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let db = try openHandle("prepare")
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else { throw error(code, "prepare \(sql.prefix(60))") }
        let statement = Statement(handle: prepared, sql: sql, connection: self)
        statements[sql] = statement
        return statement
    }

    private func openHandle(_ operation: String) throws -> OpaquePointer {
        guard let handle else {
            throw JournalError(kind: .closed, resultCode: SQLITE_MISUSE, operation: operation,
                               message: "the journal at \(path) is closed")
        }
        return handle
    }
}
