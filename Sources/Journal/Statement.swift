import CSQLite
import CShims

/// One prepared SQLite statement. Owned and cached by its `SQLiteConnection`; callers get it
/// inside `SQLiteConnection.execute`/`query`, which reset it afterwards, so a statement never
/// holds a read snapshot open between calls. Parameter and column indices follow SQLite:
/// parameters from 1, columns from 0.
final class Statement {
    private(set) var handle: OpaquePointer?
    let sql: String
    private unowned let connection: SQLiteConnection

    init(handle: OpaquePointer, sql: String, connection: SQLiteConnection) {
        self.handle = handle
        self.sql = sql
        self.connection = connection
    }

    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    // MARK: binding

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value), "bind")
    }

    func bind(_ index: Int32, _ value: Int64?) throws {
        guard let value else { return try bindNull(index) }
        try bind(index, value)
    }

    func bind(_ index: Int32, _ value: String) throws {
        var value = value
        let code = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                cb_sqlite3_bind_text_transient(handle, index, $0.baseAddress, Int32($0.count))
            }
        }
        try check(code, "bind")
    }

    func bind(_ index: Int32, _ value: String?) throws {
        guard let value else { return try bindNull(index) }
        try bind(index, value)
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) throws {
        let code = bytes.withUnsafeBytes { raw in
            // An empty array may have no storage, and a NULL pointer would bind SQL NULL
            // instead of an empty body.
            guard let base = raw.baseAddress, !raw.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return cb_sqlite3_bind_blob_transient(handle, index, base, Int32(raw.count))
        }
        try check(code, "bind")
    }

    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index), "bind")
    }

    // MARK: stepping

    /// Advances one row: true while rows remain, false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw connection.error(code, "step \(summary)")
        }
    }

    func reset() {
        // The step's own error has already been reported; reset repeats it, so it is ignored.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: columns

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) throws -> Int64 {
        guard !isNull(column) else { throw unexpectedNull(column) }
        return sqlite3_column_int64(handle, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(handle, column)
    }

    func text(_ column: Int32) throws -> String {
        guard let text = optionalText(column) else { throw unexpectedNull(column) }
        return text
    }

    func optionalText(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) throws -> [UInt8] {
        guard !isNull(column) else { throw unexpectedNull(column) }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    // MARK: errors

    /// The first words of the SQL, enough to name the operation in an error.
    private var summary: String {
        String(sql.prefix(60))
    }

    private func check(_ code: Int32, _ operation: String) throws {
        guard code == SQLITE_OK else { throw connection.error(code, "\(operation) \(summary)") }
    }

    private func unexpectedNull(_ column: Int32) -> JournalError {
        let name = sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "column \(column)"
        return JournalError(kind: .unexpectedData, resultCode: 0, operation: "read \(summary)",
                            message: "\(name) is NULL where a value was expected")
    }
}
