import Testing
import CallCore
@testable import Journal

private struct Refused: Error {}

@Suite struct TransactionTests {
    private func states(_ journal: Journal) throws -> [String] {
        try journal.callJournal.transitions(callKey: "c").map(\.toState)
    }

    private func append(_ journal: Journal, _ state: String) throws {
        try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "x", to: state, event: "e")
    }

    @Test func aThrownErrorRollsBackTheWholeOuterTransaction() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect(throws: Refused.self) {
            try journal.transaction {
                try append(journal, "one")
                try journal.transaction { try append(journal, "two") }
                throw Refused()
            }
        }
        #expect(try states(journal).isEmpty)
    }

    @Test func anInnerErrorRollsBackOnlyTheInnerScope() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        try journal.transaction {
            try append(journal, "one")
            do {
                try journal.transaction {
                    try append(journal, "two")
                    try journal.transaction { try append(journal, "three") }
                    throw Refused()
                }
            } catch is Refused {}
            try append(journal, "four")
        }
        #expect(try states(journal) == ["one", "four"])
    }

    @Test func threeLevelsCommitTogether() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let before = journal.commitLatency.count
        let result = try journal.transaction {
            try append(journal, "one")
            return try journal.transaction {
                try append(journal, "two")
                return try journal.transaction {
                    try append(journal, "three")
                    return 7
                }
            }
        }
        #expect(result == 7)
        #expect(try states(journal) == ["one", "two", "three"])
        #expect(journal.commitLatency.count == before + 1)
    }

    @Test func aConstraintErrorInsideLeavesTheTransactionUsable() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        try journal.transaction {
            try append(journal, "one")
            let bad = CallDetailRecord(callId: "wacid.X", direction: "sideways", remoteNumber: nil, businessNumber: "1",
                                 offeredAt: t0, answeredAt: nil, endedAt: t0, duration: .zero, outcome: "missed")
            #expect {
                try journal.callRecords.record(bad)
            } throws: { ($0 as? JournalError)?.kind == .constraint }
            try append(journal, "two")
        }
        #expect(try states(journal) == ["one", "two"])
        #expect(try journal.callRecords.call(id: "wacid.X") == nil)
    }

    @Test func afterARollbackTheNextTransactionStartsClean() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect(throws: Refused.self) {
            try journal.transaction {
                try append(journal, "lost")
                throw Refused()
            }
        }
        try append(journal, "kept")
        #expect(try states(journal) == ["kept"])
    }
}

@Suite struct DeferredDurabilityTests {
    @Test func aDeferredCommitIsAtomicVisibleAndRestoresFullSync() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        try journal.deferredDurabilityTransaction {
            _ = try journal.inbox.append(deliveries: [[1, 2, 3]], receivedAt: Instant(unixSeconds: 1))
        }
        #expect(try journal.inbox.counts().pending == 1)
        #expect(try journal.connection.queryFirst("PRAGMA synchronous") { try $0.int64(0) } == 2, "FULL (2) again")
        #expect(throws: Refused.self) {
            try journal.deferredDurabilityTransaction {
                _ = try journal.inbox.append(deliveries: [[4]], receivedAt: Instant(unixSeconds: 2))
                throw Refused()
            }
        }
        #expect(try journal.inbox.counts().pending == 1)
        let syncsBefore = journal.commitLatency.count
        try journal.makeDurable()
        #expect(journal.commitLatency.count == syncsBefore + 1, "the WAL was synced and timed")
    }
}
