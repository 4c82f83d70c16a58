import Testing
@testable import Journal

/// What survives a crash. A power cut leaves on disk exactly the database file and its WAL
/// as they were after the last commit; copying both while the journal is still open (and
/// never checkpointed) reproduces that state without killing the test process.
@Suite struct DurabilityTests {
    private func write(_ journal: Journal) throws -> [Int64] {
        let ids = try journal.inbox.append(deliveries: [bytes("one"), bytes("two")], receivedAt: t0)
        try journal.callJournal.appendTransition(callKey: "wacid.A", at: t0, from: "idle", to: "ringing",
                                                 event: "connect")
        try journal.callSessions.upsert(CallSessionRecord(callKey: "wacid.A", direction: "inbound",
                                                    remoteNumber: "34600111222", businessNumber: "442071838750",
                                                    offeredAt: t0, answerSDP: "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n"))
        return ids
    }

    private func expectEverything(in journal: Journal, ids: [Int64]) throws {
        #expect(try journal.inbox.pending(limit: 10).map(\.id) == ids)
        #expect(try journal.inbox.pending(limit: 10).map(\.body) == [bytes("one"), bytes("two")])
        #expect(try journal.callJournal.openCalls().map(\.latest.callKey) == ["wacid.A"])
        #expect(try journal.callSessions.session(callKey: "wacid.A")?.answerSDP == "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n")
    }

    @Test func committedRowsSurviveACrashBeforeAnyCheckpoint() throws {
        let live = TemporaryDirectory()
        let crashed = TemporaryDirectory()
        let journal = try live.open()
        let ids = try write(journal)

        // The commits are in the WAL, not yet in the main file.
        #expect(Files.size(live.databasePath + "-wal") > 0)
        Files.write(Files.read(live.databasePath), to: crashed.databasePath)
        Files.write(Files.read(live.databasePath + "-wal"), to: crashed.databasePath + "-wal")

        let reopened = try crashed.open()
        try expectEverything(in: reopened, ids: ids)
        try journal.close()
    }

    @Test func aConnectionDroppedWithoutCloseLosesNothing() throws {
        let directory = TemporaryDirectory()
        var ids: [Int64] = []
        do {
            let journal = try directory.open()
            ids = try write(journal)
        }
        let reopened = try directory.open()
        try expectEverything(in: reopened, ids: ids)
    }

    @Test func closeCheckpointsAndEmptiesTheWAL() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let ids = try write(journal)
        try journal.close()
        #expect(Files.size(directory.databasePath + "-wal") <= 0)

        // The main file alone now holds everything.
        let copy = TemporaryDirectory()
        Files.write(Files.read(directory.databasePath), to: copy.databasePath)
        try expectEverything(in: try copy.open(), ids: ids)
    }

    @Test func useAfterCloseIsAnErrorNotACrash() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        try journal.close()
        #expect {
            try journal.inbox.pending(limit: 1)
        } throws: { ($0 as? JournalError)?.kind == .closed }
        try journal.close()
    }

    @Test func openSetsWALFullSyncAndForeignKeys() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let connection = journal.connection
        #expect(try connection.queryFirst("PRAGMA journal_mode") { try $0.text(0) } == "wal")
        // 2 = FULL, 1 = NORMAL.
        #expect(try connection.queryFirst("PRAGMA synchronous") { try $0.int64(0) } == 2)
        #expect(try connection.queryFirst("PRAGMA foreign_keys") { try $0.int64(0) } == 1)
        #expect(try connection.queryFirst("PRAGMA busy_timeout") { try $0.int64(0) } == 2_000)
        #expect(try connection.queryFirst("PRAGMA journal_size_limit") { try $0.int64(0) }
                == Int64(Journal.walSizeLimitBytes))

        let other = TemporaryDirectory()
        let normal = try other.open(Journal.Options(synchronous: .normal))
        #expect(try normal.connection.queryFirst("PRAGMA synchronous") { try $0.int64(0) } == 1)
    }
}
