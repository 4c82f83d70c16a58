import CallCore
import Glibc

/// The box's durable memory: `<data_dir>/callbox.db`, SQLite in WAL mode. Webhook deliveries,
/// call transitions, call attributes, call records and event keys are committed here before
/// their effects run (DESIGN.md §4.3).
///
/// Used from one thread, the event loop, which owns the database (DESIGN.md §4.4); it is not
/// `Sendable` and takes no locks. Store methods each commit on their own; wrap several in
/// `transaction` to commit them together.
public final class Journal {
    public static let fileName = "callbox.db"

    /// After a checkpoint the WAL is truncated back to this size; without a limit it keeps
    /// its largest size ever (a burst of big webhooks) on a box with a small card.
    static let walSizeLimitBytes = 4 * 1024 * 1024

    /// How hard a commit pushes to the disk.
    public enum Synchronous: String, Sendable {
        /// fsync on every commit: a committed webhook survives a power cut. The default.
        case full = "FULL"
        /// fsync only at checkpoints: survives a crash of the process, may lose the last
        /// commits on power loss. For benchmarks and comparison.
        case normal = "NORMAL"
    }

    public struct Options: Sendable {
        public var synchronous: Synchronous
        /// How long a write waits for another connection's lock before failing with `.busy`.
        public var busyTimeout: TimeSpan
        /// A cap on the database size in pages, so the journal cannot fill the card that the
        /// OS also lives on; nil leaves SQLite's own limit. Tests use it to simulate a full disk.
        public var maxPageCount: Int?

        /// The `callbox journal` CLI may read while the daemon writes; its reads are short, so
        /// two seconds covers them without stalling the event loop noticeably on a real conflict.
        public static let defaultBusyTimeout = TimeSpan.seconds(2)

        public init(synchronous: Synchronous = .full, busyTimeout: TimeSpan = defaultBusyTimeout,
                    maxPageCount: Int? = nil) {
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.maxPageCount = maxPageCount
        }
    }

    let connection: SQLiteConnection
    let options: Options
    public let path: String
    public let inbox: Inbox
    public let eventKeys: EventKeys
    public let callJournal: CallJournal
    public let callSessions: CallSessions
    public let callRecords: CallRecords
    public let comms: CommsLog
    public let permissions: PermissionLedger
    public let outbox: Outbox
    public let agentSessions: AgentSessions
    public let callReports: CallReports
    public let userIDChanges: UserIDChanges

    /// Opens (creating if needed) `directory/callbox.db` and migrates it to the newest schema.
    /// Throws `JournalError`: `.corrupt` for a file that is not a database or is damaged,
    /// `.cannotOpen` for a directory or file that cannot be opened or created (the message
    /// says which), `.readOnly` for a file that cannot be written, `.schemaTooNew` for a
    /// database from a newer build (left untouched).
    public convenience init(directory: String, options: Options = Options()) throws {
        let path = directory + "/" + Self.fileName
        Self.keepPrivate(path)
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch let error as JournalError where error.kind == .cannotOpen {
            throw error.adding(hint: Self.whyCannotOpen(directory: directory))
        }
        try self.init(connection: connection, options: options, migrateTo: Migrations.latestVersion)
    }

    /// Tests open at an earlier schema version to build the databases older builds left.
    init(connection: SQLiteConnection, options: Options, migrateTo version: Int) throws {
        self.connection = connection
        self.options = options
        path = connection.path
        inbox = Inbox(connection: connection)
        eventKeys = EventKeys(connection: connection)
        callJournal = CallJournal(connection: connection)
        callSessions = CallSessions(connection: connection)
        callRecords = CallRecords(connection: connection)
        comms = CommsLog(connection: connection)
        permissions = PermissionLedger(connection: connection)
        outbox = Outbox(connection: connection)
        agentSessions = AgentSessions(connection: connection)
        callReports = CallReports(connection: connection)
        userIDChanges = UserIDChanges(connection: connection)

        do {
            try Self.configure(connection, options: options, migrateTo: version)
        } catch let error as JournalError {
            throw error.during("open \(path)")
        }
    }

    private static func configure(_ connection: SQLiteConnection, options: Options, migrateTo version: Int) throws {
        try connection.executeScript("PRAGMA busy_timeout = \(options.busyTimeout.milliseconds)")
        // Reading the version first is also the first read of the file: garbage fails here
        // with SQLITE_NOTADB, and a newer schema is refused before anything is written.
        try Migrations.refuseNewer(try Migrations.currentVersion(of: connection))
        let mode = try connection.queryFirst("PRAGMA journal_mode = WAL") { try $0.text(0) }
        guard mode?.lowercased() == "wal" else {
            throw JournalError(kind: .other, resultCode: 0, operation: "set journal_mode",
                               message: "could not switch to WAL mode (journal_mode is \(mode ?? "unknown"))")
        }
        try connection.executeScript("PRAGMA synchronous = \(options.synchronous.rawValue)")
        try connection.executeScript("PRAGMA journal_size_limit = \(walSizeLimitBytes)")
        try connection.executeScript("PRAGMA foreign_keys = ON")
        if let maxPageCount = options.maxPageCount {
            try connection.executeScript("PRAGMA max_page_count = \(maxPageCount)")
        }
        try Migrations.migrate(connection, to: version)
    }

    /// Bytes the database's pages hold, free pages left out (SQLite reuses them before growing
    /// the file): what a size budget compares against. Two header reads.
    public func usedBytes() throws -> Int64 {
        let pages = try connection.queryFirst("PRAGMA page_count") { try $0.int64(0) } ?? 0
        let free = try connection.queryFirst("PRAGMA freelist_count") { try $0.int64(0) } ?? 0
        let size = try connection.queryFirst("PRAGMA page_size") { try $0.int64(0) } ?? 0
        return (pages - free) * size
    }

    /// The journal holds messages, phone numbers and session tokens: owner-only, whatever the
    /// umask (outside systemd's `UMask=0077` too). SQLite creates the `-wal` and `-shm` files
    /// with the database's own mode, so creating it 0600 first covers them; files an older build
    /// left wider are narrowed.
    static func keepPrivate(_ path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            var info = stat()
            if fstat(descriptor, &info) == 0, info.st_mode & 0o077 != 0 { fchmod(descriptor, 0o600) }
            Glibc.close(descriptor)
        }
        for suffix in ["-wal", "-shm"] {
            var info = stat()
            if stat(path + suffix, &info) == 0, info.st_mode & 0o077 != 0 { chmod(path + suffix, 0o600) }
        }
    }

    /// SQLite reports only "unable to open database file", and its OS error is from its last
    /// attempt (often a read-only retry), so the directory is checked here to say what an
    /// installer must fix.
    private static func whyCannotOpen(directory: String) -> String {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            return "data directory \(directory): \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return "data directory \(directory) is not a directory"
        }
        // AT_EACCESS checks as the identity that will create the files, not the real user.
        guard faccessat(AT_FDCWD, directory, W_OK | X_OK, AT_EACCESS) == 0 else {
            return "data directory \(directory) is not writable: \(String(cString: strerror(errno)))"
        }
        return "data directory \(directory) looks writable; check the database file's permissions"
    }

    /// Runs `body` in one transaction: everything it writes commits together, or nothing
    /// does if it throws. Nests: an inner `transaction` is a savepoint that rolls back alone.
    @discardableResult
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try connection.transaction(body)
    }

    /// A transaction whose commit does not wait for the disk: atomic, visible at once, and
    /// made durable by the next durable commit or by `makeDurable()` (the WAL is synced as a
    /// whole); a power cut before that rolls it back whole. For work whose replay is
    /// harmless because nothing outside the box has been told of it yet. SQLite fixes the
    /// safety level per transaction, so it is set before BEGIN and restored after.
    @discardableResult
    public func deferredDurabilityTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        guard options.synchronous == .full else { return try transaction(body) }
        try connection.executeScript("PRAGMA synchronous = NORMAL")
        defer { try? connection.executeScript("PRAGMA synchronous = \(options.synchronous.rawValue)") }
        return try transaction(body)
    }

    /// Makes every commit so far durable, as a FULL commit would have: one fdatasync of the
    /// write-ahead log, where SQLite appended them.
    public func makeDurable() throws {
        let descriptor = open(path + "-wal", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            // No log file: nothing was written since the last checkpoint, which synced.
            if errno == ENOENT { return }
            throw JournalError(kind: .ioError, resultCode: 0, operation: "open write-ahead log", message: String(cString: strerror(errno)))
        }
        defer { Glibc.close(descriptor) }
        let started = MonotonicClock.nanoseconds()
        guard fdatasync(descriptor) == 0 else {
            throw JournalError(kind: .ioError, resultCode: 0, operation: "sync write-ahead log", message: String(cString: strerror(errno)))
        }
        connection.commitLatency.record(nanoseconds: MonotonicClock.nanoseconds() - started)
    }

    public var schemaVersion: Int {
        get throws { try Migrations.currentVersion(of: connection) }
    }

    public static var newestSchemaVersion: Int { Migrations.latestVersion }

    /// For `callbox journal` and bug reports: which SQLite the box runs.
    public static var sqliteVersion: String { SQLiteConnection.libraryVersion }

    /// Latencies of every commit since open.
    public var commitLatency: CommitLatencyHistogram { connection.commitLatency }

    /// Checkpoints the WAL into the database file and closes it. Use nothing afterwards.
    public func close() throws {
        try connection.close()
    }
}
