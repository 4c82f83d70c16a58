import Testing
import Glibc
import CallCore
@testable import Journal

/// setfsuid changes the file-system identity of the calling thread only (glibc does not
/// broadcast it), so a synchronous test can act as an unprivileged user without touching
/// the other tests running in the process. It is not in Swift's Glibc module.
@_silgen_name("setfsuid") private func setfsuid(_ uid: UInt32) -> Int32

/// The "nobody" user: owns nothing under the test directory.
private let unprivilegedUser: UInt32 = 65_534

/// Runs `body` with the file permissions of an unprivileged user, because tests often run
/// as root, which writes through any directory mode.
private func asUnprivilegedUser<Result>(_ body: () throws -> Result) rethrows -> Result {
    _ = setfsuid(unprivilegedUser)
    defer { _ = setfsuid(0) }
    return try body()
}

@Suite struct FailureTests {
    @Test func garbageInTheFileIsReportedAsCorrupt() throws {
        let directory = TemporaryDirectory()
        Files.write(Array(repeating: Array("this is not a database. ".utf8), count: 400).flatMap { $0 },
                    to: directory.databasePath)
        let error = #expect(throws: JournalError.self) { try directory.open() }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains(directory.databasePath) == true)
        // The file is left as it was for someone to look at.
        #expect(Files.read(directory.databasePath).prefix(7) == ArraySlice("this is".utf8))
    }

    @Test func aTruncatedDatabaseIsReportedNotCrashedOn() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            _ = try journal.inbox.append(deliveries: [Array(repeating: 0x41, count: 20_000)], receivedAt: t0)
            try journal.close()
        }
        let whole = Files.read(directory.databasePath)
        var damaged = Array(whole.prefix(100))
        damaged += Array(repeating: 0xEE, count: whole.count - 100)
        Files.write(damaged, to: directory.databasePath)
        do {
            let journal = try directory.open()
            _ = try journal.inbox.pending(limit: 10)
            Issue.record("reading damaged pages should fail")
        } catch let error as JournalError {
            #expect(error.kind == .corrupt)
        }
    }

    @Test func aNewerSchemaIsRefusedAndLeftUntouched() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            try journal.connection.executeScript("PRAGMA user_version = 99")
            try journal.close()
        }
        let before = Files.read(directory.databasePath)
        let error = #expect(throws: JournalError.self) { try directory.open() }
        #expect(error?.kind == .schemaTooNew(found: 99, newestKnown: Journal.newestSchemaVersion))
        #expect(error?.description.contains("99") == true)
        #expect(error?.description.contains("newest known \(Journal.newestSchemaVersion)") == true)
        #expect(Files.read(directory.databasePath) == before)
    }

    @Test func aReadOnlyDirectoryCannotHoldANewJournal() throws {
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o555)
        let error = asUnprivilegedUser { #expect(throws: JournalError.self) { try directory.open() } }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.description.contains("\(directory.path) is not writable: Permission denied") == true)
        #expect(!Files.exists(directory.databasePath))
    }

    @Test func anExistingJournalInAReadOnlyDirectoryIsRefused() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            try journal.close()
        }
        chmod(directory.databasePath, 0o644)
        chmod(directory.path, 0o555)
        let error = asUnprivilegedUser { #expect(throws: JournalError.self) { try directory.open() } }
        #expect(error?.kind == .readOnly)
        #expect(Files.exists(directory.databasePath))
    }

    @Test func aFullDiskFailsTheBatchAndLeavesTheJournalUsable() throws {
        let directory = TemporaryDirectory()
        // About 40 pages hold the schema; 64 leave room for a few small rows only.
        let journal = try directory.open(Journal.Options(maxPageCount: 64))
        let kept = try journal.inbox.append(deliveries: [bytes("before")], receivedAt: t0)

        let large = Array(repeating: Array(repeating: UInt8(0x7b), count: 4_096), count: 100)
        let error = #expect(throws: JournalError.self) {
            try journal.inbox.append(deliveries: large, receivedAt: t0)
        }
        #expect(error?.kind == .diskFull)
        #expect(try journal.inbox.pending(limit: 200).map(\.id) == kept)

        let after = try journal.inbox.append(deliveries: [bytes("after")], receivedAt: t0)
        let expected: [Int64] = kept + after
        #expect(try journal.inbox.pending(limit: 200).map(\.id) == expected)
        try journal.close()
    }

    @Test func aFullDiskInsideANestedTransactionRollsBackCleanly() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open(Journal.Options(maxPageCount: 64))
        let large = Array(repeating: Array(repeating: UInt8(0x7b), count: 4_096), count: 100)
        #expect(throws: JournalError.self) {
            try journal.transaction {
                try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "a", to: "b", event: "e")
                _ = try journal.inbox.append(deliveries: large, receivedAt: t0)
            }
        }
        #expect(try journal.callJournal.transitions(callKey: "c").isEmpty)
        try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "a", to: "b", event: "e")
        #expect(try journal.callJournal.transitions(callKey: "c").count == 1)
    }

    @Test func aCaughtDiskFullErrorNeverCommitsHalfATransaction() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open(Journal.Options(maxPageCount: 64))
        let large = Array(repeating: Array(repeating: UInt8(0x7b), count: 4_096), count: 100)
        do {
            try journal.transaction {
                try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "a", to: "first", event: "e")
                do {
                    _ = try journal.inbox.append(deliveries: large, receivedAt: t0)
                } catch let error as JournalError where error.kind == .diskFull {}
                try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "a", to: "second", event: "e")
            }
        } catch is JournalError {}
        // SQLite either kept the transaction (both rows) or rolled it all back (neither).
        let states = try journal.callJournal.transitions(callKey: "c").map(\.toState)
        #expect(states == ["first", "second"] || states.isEmpty)
    }

    @Test func anUnreadableDatabaseFileIsNamed() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            try journal.close()
        }
        chmod(directory.path, 0o777)
        chmod(directory.databasePath, 0o000)
        let error = asUnprivilegedUser { #expect(throws: JournalError.self) { try directory.open() } }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.description.contains("check the database file's permissions") == true)
    }
}

@Suite struct JournalPrivacyTests {
    /// The journal holds messages and session tokens: 0600 whatever the umask (issue 10).
    @Test func theDatabaseAndItsWALAreOwnerOnlyWhateverTheUmask() throws {
        let directory = TemporaryDirectory()
        let previous = umask(0o022)
        defer { umask(previous) }
        let journal = try Journal(directory: directory.path)
        _ = try journal.eventKeys.rememberEvent(key: "k", at: Instant(unixMilliseconds: 1))
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            guard stat(directory.path + "/callbox.db" + suffix, &info) == 0 else { continue }
            #expect(info.st_mode & 0o777 == 0o600, "callbox.db\(suffix) is \(String(info.st_mode & 0o777, radix: 8))")
        }
        try journal.close()
        chmod(directory.path + "/callbox.db", 0o644)
        let reopened = try Journal(directory: directory.path)
        var info = stat()
        #expect(stat(directory.path + "/callbox.db", &info) == 0 && info.st_mode & 0o777 == 0o600, "a wider file left by an older build is narrowed")
        try reopened.close()
    }
}
