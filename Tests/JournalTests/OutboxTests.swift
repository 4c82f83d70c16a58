import CallCore
import Testing
@testable import Journal

private let lease = TimeSpan.seconds(20)

/// Copies the database and its WAL as a power cut would leave them, and opens the copy.
private func crashCopy(of live: TemporaryDirectory) throws -> (TemporaryDirectory, Journal) {
    let crashed = TemporaryDirectory()
    Files.write(Files.read(live.databasePath), to: crashed.databasePath)
    Files.write(Files.read(live.databasePath + "-wal"), to: crashed.databasePath + "-wal")
    return (crashed, try crashed.open())
}

@Suite struct OutboxTests {
    @Test func enqueueIgnoresADuplicateKeyAndWakesOnlyOnInsert() throws {
        let journal = try TemporaryDirectory().open()
        var wakes = 0
        journal.outbox.onEnqueue = { wakes += 1 }
        #expect(try journal.outbox.enqueue(kind: "hubspot_call", idempotencyKey: "hubspot-call:wacid.A", payload: bytes("{}"), now: t0))
        #expect(try journal.outbox.enqueue(kind: "hubspot_call", idempotencyKey: "hubspot-call:wacid.A", payload: bytes("{\"x\":1}"),
                                           now: t0 + .seconds(5)) == false)
        #expect(wakes == 1)
        let items = try journal.outbox.due(at: t0, limit: 10)
        #expect(items.count == 1)
        #expect(items.first?.payload == bytes("{}"))
        #expect(items.first?.state == .pending && items.first?.attempts == 0 && items.first?.mayExist == false)
        #expect(try journal.outbox.counts() == OutboxCounts(pending: 1))
    }

    @Test func enqueueJoinsTheCallersTransaction() throws {
        let journal = try TemporaryDirectory().open()
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try journal.transaction {
                try journal.outbox.enqueue(kind: "hubspot_call", idempotencyKey: "k1", payload: bytes("{}"), now: t0)
                throw Refused()
            }
        }
        #expect(try journal.outbox.counts() == OutboxCounts())
        try journal.transaction {
            try journal.callRecords.record(CallDetailRecord(callId: "wacid.B", direction: "inbound", remoteNumber: "34600111222",
                                                            businessNumber: "442071838750", offeredAt: t0, answeredAt: nil,
                                                            endedAt: t0, duration: .zero, outcome: "missed"))
            try journal.outbox.enqueue(kind: "hubspot_call", idempotencyKey: "k2", payload: bytes("{}"), now: t0)
        }
        #expect(try journal.outbox.counts().pending == 1)
    }

    @Test func dueItemsComeOldestFirstAndOnlyWhenDue() throws {
        let journal = try TemporaryDirectory().open()
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "late", payload: [], now: t0 + .seconds(30))
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "early", payload: [], now: t0)
        #expect(try journal.outbox.due(at: t0, limit: 10).map(\.idempotencyKey) == ["early"])
        #expect(try journal.outbox.due(at: t0 + .seconds(30), limit: 10).map(\.idempotencyKey) == ["early", "late"])
        #expect(try journal.outbox.due(at: t0 + .seconds(30), limit: 1).map(\.idempotencyKey) == ["early"])
        #expect(try journal.outbox.nextDueAt() == t0)
        #expect(try journal.outbox.oldestPendingCreatedAt() == t0)
    }

    @Test func anAttemptIsRecordedBeforeSendingAndHoldsTheItemForTheLease() throws {
        let journal = try TemporaryDirectory().open()
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "a", payload: [], now: t0)
        let id = try #require(try journal.outbox.due(at: t0, limit: 1).first?.id)
        try journal.outbox.beginAttempts(ids: [id], at: t0 + .seconds(1), lease: lease)
        let item = try #require(try journal.outbox.item(id: id))
        #expect(item.attempts == 1 && item.mayExist && item.lastAttemptAt == t0 + .seconds(1))
        #expect(try journal.outbox.due(at: t0 + .seconds(20), limit: 10).isEmpty)
        #expect(try journal.outbox.due(at: t0 + .seconds(21), limit: 10).map(\.id) == [id])
    }

    @Test func aCrashMidAttemptLeavesAnItemThatMustBeLookedUp() throws {
        let live = TemporaryDirectory()
        let journal = try live.open()
        try journal.outbox.enqueue(kind: "hubspot_call", idempotencyKey: "hubspot-call:wacid.K", payload: bytes("{}"), now: t0)
        let id = try #require(try journal.outbox.due(at: t0, limit: 1).first?.id)
        try journal.outbox.beginAttempts(ids: [id], at: t0, lease: lease)
        // The request is on the wire when the power goes.
        let (_, reopened) = try crashCopy(of: live)
        let item = try #require(try reopened.outbox.item(id: id))
        #expect(item.state == .pending && item.attempts == 1 && item.mayExist)
        #expect(try reopened.outbox.due(at: t0 + lease, limit: 10).map(\.id) == [id])
        try journal.close()
    }

    @Test func deliveredKeepsTheObjectIDAndSurvivesReopen() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            try journal.outbox.enqueue(kind: "k", idempotencyKey: "a", payload: [], now: t0)
            try journal.outbox.beginAttempts(ids: [1], at: t0, lease: lease)
            try journal.outbox.delivered(id: 1, objectID: "90001", at: t0 + .seconds(1))
        }
        let journal = try directory.open()
        let item = try #require(try journal.outbox.item(id: 1))
        #expect(item.state == .delivered && item.objectID == "90001" && item.finishedAt == t0 + .seconds(1))
        #expect(try journal.outbox.due(at: t0 + .seconds(3600), limit: 10).isEmpty)
        #expect(try journal.outbox.counts() == OutboxCounts(delivered: 1))
        #expect(try journal.outbox.oldestPendingCreatedAt() == nil)
        // Delivered is final: a late reschedule or park of the same attempt changes nothing.
        try journal.outbox.reschedule(id: 1, next: t0, error: "late", mayExist: true)
        try journal.outbox.park(id: 1, reason: "late", mayExist: false, at: t0)
        #expect(try journal.outbox.item(id: 1)?.state == .delivered)
    }

    @Test func rescheduleKeepsTheErrorAndWhetherTheObjectMayExist() throws {
        let journal = try TemporaryDirectory().open()
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "a", payload: [], now: t0)
        try journal.outbox.beginAttempts(ids: [1], at: t0, lease: lease)
        try journal.outbox.reschedule(id: 1, next: t0 + .seconds(8), error: "HubSpot HTTP 429: slow down", mayExist: false,
                                      counted: false)
        var item = try #require(try journal.outbox.item(id: 1))
        #expect(item.nextAttemptAt == t0 + .seconds(8) && !item.mayExist && item.lastError == "HubSpot HTTP 429: slow down")
        #expect(item.attempts == 0, "a rate-limited attempt does not count")
        try journal.outbox.beginAttempts(ids: [1], at: t0 + .seconds(8), lease: lease)
        try journal.outbox.reschedule(id: 1, next: t0 + .seconds(20), error: "HubSpot unreachable: timed out", mayExist: true)
        item = try #require(try journal.outbox.item(id: 1))
        #expect(item.attempts == 1 && item.mayExist)
    }

    @Test func parkedItemsAreKeptListedAndRequeuedWithAFreshBudget() throws {
        let journal = try TemporaryDirectory().open()
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "a", payload: [], now: t0)
        try journal.outbox.enqueue(kind: "k", idempotencyKey: "b", payload: [], now: t0)
        try journal.outbox.beginAttempts(ids: [1], at: t0, lease: lease)
        try journal.outbox.park(id: 1, reason: "HubSpot HTTP 400 VALIDATION_ERROR: bad property", mayExist: true, at: t0 + .seconds(1))
        #expect(try journal.outbox.counts() == OutboxCounts(pending: 1, parked: 1))
        #expect(try journal.outbox.due(at: t0 + .seconds(3600), limit: 10).map(\.id) == [2])
        let listed = try journal.outbox.list(states: [.pending, .parked], limit: 10)
        #expect(listed.map(\.id) == [1, 2])
        #expect(listed.first?.parkedReason == "HubSpot HTTP 400 VALIDATION_ERROR: bad property")

        var wakes = 0
        journal.outbox.onEnqueue = { wakes += 1 }
        #expect(try journal.outbox.requeue(id: 2, at: t0) == false, "only a parked item is requeued")
        #expect(try journal.outbox.requeue(id: 1, at: t0 + .seconds(60)))
        #expect(wakes == 1)
        let item = try #require(try journal.outbox.item(id: 1))
        #expect(item.state == .pending && item.attempts == 0 && item.parkedReason == nil && item.mayExist)
        #expect(item.nextAttemptAt == t0 + .seconds(60))
    }

    @Test func deliveredItemsArePrunedOnlyPastTheCutoff() throws {
        let journal = try TemporaryDirectory().open()
        for key in ["a", "b", "c"] { try journal.outbox.enqueue(kind: "k", idempotencyKey: key, payload: [], now: t0) }
        try journal.outbox.delivered(id: 1, objectID: "1", at: t0)
        try journal.outbox.delivered(id: 2, objectID: "2", at: t0 + .seconds(100))
        #expect(try journal.outbox.pruneDelivered(finishedBefore: t0 + .seconds(50)) == 1)
        #expect(try journal.outbox.counts() == OutboxCounts(pending: 1, delivered: 1))
    }
}
