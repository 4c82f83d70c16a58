import CSQLite

/// Why a journal operation failed: the SQLite result code, what the journal was doing,
/// and SQLite's own message (plus the OS error when SQLite reports one). The daemon logs
/// `description` and decides from `kind`; nothing in the journal crashes on bad disks.
public struct JournalError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The file is not a database or its pages are damaged (SQLITE_CORRUPT, SQLITE_NOTADB).
        case corrupt
        /// The file or its directory cannot be written (SQLITE_READONLY).
        case readOnly
        /// The file or its directory cannot be opened or created (SQLITE_CANTOPEN).
        case cannotOpen
        /// No room left: the disk, or the configured page cap (SQLITE_FULL).
        case diskFull
        /// Another connection holds the lock past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
        case busy
        /// A row broke a schema rule (SQLITE_CONSTRAINT).
        case constraint
        /// The OS failed a read, write or sync (SQLITE_IOERR).
        case ioError
        /// The database was written by a newer build; opening it could lose data.
        case schemaTooNew(found: Int, newestKnown: Int)
        /// Stored data does not have the shape this build wrote (a NULL where a value belongs).
        case unexpectedData
        /// The journal was used after `close()`.
        case closed
        case other
    }

    public let kind: Kind
    /// The extended SQLite result code (0 when the error is the journal's own).
    public let resultCode: Int32
    public let operation: String
    public let message: String

    init(kind: Kind, resultCode: Int32, operation: String, message: String) {
        self.kind = kind
        self.resultCode = resultCode
        self.operation = operation
        self.message = message
    }

    /// An error from SQLite: the kind follows from the primary result code.
    init(resultCode: Int32, operation: String, message: String) {
        self.init(kind: Self.kind(of: resultCode), resultCode: resultCode, operation: operation, message: message)
    }

    static func kind(of resultCode: Int32) -> Kind {
        // Extended codes carry the primary code in their low byte.
        switch resultCode & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB: .corrupt
        case SQLITE_READONLY: .readOnly
        case SQLITE_CANTOPEN: .cannotOpen
        case SQLITE_FULL: .diskFull
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        case SQLITE_CONSTRAINT: .constraint
        case SQLITE_IOERR: .ioError
        case SQLITE_MISUSE: .closed
        default: .other
        }
    }

    /// The same error, naming the larger task it interrupted.
    func during(_ context: String) -> JournalError {
        JournalError(kind: kind, resultCode: resultCode, operation: "\(context): \(operation)", message: message)
    }

    /// The same error with what the journal found out about its cause.
    func adding(hint: String) -> JournalError {
        JournalError(kind: kind, resultCode: resultCode, operation: operation, message: "\(message); \(hint)")
    }

    public var description: String {
        switch kind {
        case .schemaTooNew(let found, let newestKnown):
            "journal: \(operation): database schema version \(found) is newer than this build knows "
                + "(newest known \(newestKnown)); refusing to open it. \(message)"
        default:
            "journal: \(operation): \(message) (SQLite code \(resultCode))"
        }
    }
}
