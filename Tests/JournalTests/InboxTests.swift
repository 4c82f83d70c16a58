import Testing
@testable import Journal
import CallCore

@Suite struct InboxTests {
    @Test func batchAppendCommitsAllInOrderAsPending() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let bodies = (0..<5).map { bytes("{\"entry\":[\($0)]}") }
        let ids = try journal.inbox.append(deliveries: bodies, receivedAt: t0)
        #expect(ids.count == 5)
        #expect(ids == ids.sorted())
        #expect(journal.commitLatency.count >= 1)

        let pending = try journal.inbox.pending(limit: 10)
        #expect(pending.map(\.body) == bodies)
        #expect(pending.map(\.id) == ids)
        #expect(pending.allSatisfy { $0.state == .pending && $0.receivedAt == t0 && $0.attempts == 0 })
        #expect(try journal.inbox.pending(limit: 2).map(\.id) == Array(ids.prefix(2)))
    }

    /// A week of simulated time (issue 10): processed bodies go once Meta can no longer redeliver
    /// them, the event keys that catch a redelivery stay their own time, and undecodable and
    /// failed deliveries stay for `callbox journal reprocess`.
    @Test func processedBodiesArePrunedAfterMetasRedeliveryHorizon() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let body = [UInt8](repeating: 0x41, count: 64 * 1024)
        var ids: [Int64] = []
        for day in 0..<8 {
            let at = t0 + .days(Int64(day))
            ids += try journal.inbox.append(deliveries: [body, body], receivedAt: at)
            try journal.inbox.markProcessed(id: ids[ids.count - 2], at: at)
            try journal.inbox.markUndecodable(id: ids[ids.count - 1], error: "bad", at: at)
        }
        _ = try journal.eventKeys.rememberEvent(key: "message:wamid.OLD", at: t0)
        let now = t0 + .days(8)
        let pruned = try journal.inbox.pruneProcessed(before: now - Inbox.processedRetention)
        #expect(pruned == 1, "day 0 is past the 7-day horizon; day 1 is exactly on it and stays")
        let counts = try journal.inbox.counts()
        #expect(counts.processed == 7 && counts.undecodable == 8)
        #expect(try journal.eventKeys.rememberEvent(key: "message:wamid.OLD", at: now) == false, "dedup keys are pruned apart")
        #expect(try journal.inbox.pruneProcessed(before: now - Inbox.processedRetention) == 0)
    }

    @Test func oneBatchIsOneCommit() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let before = journal.commitLatency.count
        _ = try journal.inbox.append(deliveries: Array(repeating: bytes("{}"), count: 32), receivedAt: t0)
        #expect(journal.commitLatency.count == before + 1)
    }

    @Test func emptyAndBinaryBodiesRoundTrip() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let binary: [UInt8] = [0, 255, 0x7b, 0, 10, 13]
        _ = try journal.inbox.append(deliveries: [[], binary], receivedAt: t0)
        #expect(try journal.inbox.pending(limit: 10).map(\.body) == [[], binary])
    }

    @Test func markingMovesDeliveriesOutOfPending() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let ids = try journal.inbox.append(deliveries: [bytes("a"), bytes("b"), bytes("c"), bytes("d")], receivedAt: t0)
        let later = t0 + .seconds(1)
        try journal.inbox.markProcessed(id: ids[0], at: later)
        try journal.inbox.markUndecodable(id: ids[1], error: "expected '{' at byte 0", at: later)
        try journal.inbox.markFailed(id: ids[2], error: "gave up", at: later)

        #expect(try journal.inbox.pending(limit: 10).map(\.id) == [ids[3]])
        let undecodable = try journal.inbox.undecodable(limit: 10)
        #expect(undecodable.map(\.id) == [ids[1]])
        #expect(undecodable.first?.error == "expected '{' at byte 0")
        #expect(try journal.inbox.delivery(id: ids[0])?.processedAt == later)
        #expect(try journal.inbox.delivery(id: ids[0])?.state == .processed)
        #expect(try journal.inbox.counts() == InboxCounts(pending: 1, processed: 1, undecodable: 1, failed: 1))
    }

    @Test func requeueReturnsToPendingAndCountsTheAttempt() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let ids = try journal.inbox.append(deliveries: [bytes("a"), bytes("b")], receivedAt: t0)
        try journal.inbox.markProcessed(id: ids[0], at: t0)
        try journal.inbox.requeue(id: ids[0], error: "HubSpot unreachable")
        try journal.inbox.requeue(id: ids[0], error: nil)

        let pending = try journal.inbox.pending(limit: 10)
        #expect(pending.map(\.id) == ids)
        #expect(pending[0].attempts == 2)
        #expect(pending[0].processedAt == nil)
        #expect(pending[0].error == nil)
    }

    @Test func markingAnUnknownDeliveryIsAnError() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect(throws: JournalError.self) { try journal.inbox.markProcessed(id: 42, at: t0) }
        #expect(throws: JournalError.self) { try journal.inbox.requeue(id: 42, error: nil) }
    }

    @Test func processingAndJournalingShareOneCommit() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let ids = try journal.inbox.append(deliveries: [bytes("{connect}")], receivedAt: t0)
        let before = journal.commitLatency.count
        try journal.transaction {
            try journal.callJournal.appendTransition(callKey: "wacid.A", at: t0, from: "idle", to: "ringing",
                                                     event: "connect")
            try journal.inbox.markProcessed(id: ids[0], at: t0)
        }
        #expect(journal.commitLatency.count == before + 1)
        #expect(try journal.inbox.pending(limit: 10).isEmpty)
        #expect(try journal.callJournal.transitions(callKey: "wacid.A").count == 1)
    }
}
