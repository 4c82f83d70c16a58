import CSQLite

/// Transactions that nest: the outermost `transaction` is a real BEGIN IMMEDIATE … COMMIT,
/// inner ones are savepoints. So the daemon can wrap "process this delivery, journal its
/// transitions, mark it processed" in one commit while each store method still opens its
/// own transaction when called alone. A thrown error rolls back exactly the scope it left.
extension SQLiteConnection {
    @discardableResult
    func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        if transactionDepth == 0 {
            return try outermost(body)
        }
        return try savepoint(body)
    }

    private func outermost<Result>(_ body: () throws -> Result) throws -> Result {
        // A transaction still open at depth 0 is a leftover of a ROLLBACK that failed; every
        // later BEGIN would fail on it, so it is ended here, where nothing can depend on it.
        rollbackIfOpen()
        // IMMEDIATE takes the write lock at BEGIN, where the busy timeout applies. A deferred
        // transaction would take it at its first write and could fail there with SQLITE_BUSY
        // without waiting if another connection (the `callbox journal` CLI) was writing.
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackIfOpen()
            throw error
        }
        try requireOpenTransaction()
        let started = MonotonicClock.nanoseconds()
        do {
            try execute("COMMIT")
        } catch {
            rollbackIfOpen()
            throw error
        }
        commitLatency.record(nanoseconds: MonotonicClock.nanoseconds() - started)
        return result
    }

    private func savepoint<Result>(_ body: () throws -> Result) throws -> Result {
        // Savepoint names are per depth so an inner rollback cannot reach an outer one.
        try requireOpenTransaction()
        let name = "nested_\(transactionDepth)"
        try execute("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            if !isInAutocommit {
                _ = try? execute("ROLLBACK TO \(name)")
                _ = try? execute("RELEASE \(name)")
            }
            throw error
        }
    }

    /// After SQLITE_FULL or an I/O error SQLite may roll back the whole transaction even
    /// when the error was caught inside it. Writing on would then commit statement by
    /// statement, outside any transaction, so the enclosing scope must fail instead.
    private func requireOpenTransaction() throws {
        guard isInAutocommit else { return }
        throw JournalError(kind: .other, resultCode: 0, operation: "transaction",
                           message: "SQLite rolled back the enclosing transaction after an earlier error")
    }

    /// After SQLITE_FULL or an I/O error SQLite may already have rolled back; a second
    /// ROLLBACK would then fail and hide the real error, which is why autocommit is asked.
    private func rollbackIfOpen() {
        if !isInAutocommit {
            _ = try? execute("ROLLBACK")
        }
    }
}
