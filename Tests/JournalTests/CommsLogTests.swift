import CallCore
import Testing
@testable import Journal

private func inbound(_ wamid: String, contact: String = "34600111222", phone: String? = "34600111222", body: String = "hola",
                     at offset: Int64 = 0) -> CommsRecord {
    CommsRecord(wamid: wamid, direction: "inbound", contactKey: contact, phone: phone, type: "text", body: body,
                sentAt: t0 + .seconds(offset), updatedAt: t0 + .seconds(offset))
}

private func outbound(_ wamid: String, contact: String = "34600111222", phone: String? = "34600111222") -> CommsRecord {
    CommsRecord(wamid: wamid, direction: "outbound", contactKey: contact, phone: phone, type: "text", body: "See you at 10",
                sentAt: t0, updatedAt: t0)
}

/// Real order with Meta's timestamps: sent, delivered, read, then the first play of a voice note.
private let delivery: [(status: String, at: Instant)] = [
    ("sent", t0 + .seconds(1)), ("delivered", t0 + .seconds(2)), ("read", t0 + .seconds(3)), ("played", t0 + .seconds(4)),
]

private func permutations<T>(_ items: [T]) -> [[T]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index in
        var rest = items
        let first = rest.remove(at: index)
        return permutations(rest).map { [first] + $0 }
    }
}

@Suite struct CommsLogTests {
    @Test func theMatchedContactIsSetOnTheRowLater() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordInbound(inbound("wamid.C1"))
        #expect(try journal.comms.record(wamid: "wamid.C1")?.hubspotContactID == nil)
        #expect(try journal.comms.setHubSpotContact("1001", wamid: "wamid.C1", now: t0 + .seconds(5)))
        let stored = try #require(try journal.comms.record(wamid: "wamid.C1"))
        #expect(stored.hubspotContactID == "1001")
        #expect(stored.updatedAt == t0 + .seconds(5))
        #expect(try journal.comms.setHubSpotContact("1001", wamid: "wamid.C1", now: t0 + .seconds(6)) == false)
        #expect(try journal.comms.setHubSpotContact("unknown:34600111222", wamid: "wamid.C1", now: t0 + .seconds(7)))
        #expect(try journal.comms.record(wamid: "wamid.C1")?.hubspotContactID == "unknown:34600111222")
        #expect(try journal.comms.setHubSpotContact("1001", wamid: "wamid.NONE", now: t0) == false)
    }

    @Test func inboundIsStoredOncePerWamid() throws {
        let journal = try TemporaryDirectory().open()
        var message = inbound("wamid.IN1")
        message.raw = bytes("{\"x\":1}")
        #expect(try journal.comms.recordInbound(message))
        message.body = "redelivered copy"
        #expect(try journal.comms.recordInbound(message) == false)
        let page = try journal.comms.conversation(with: .contactKey("34600111222"), limit: 10)
        #expect(page.records.count == 1)
        let stored = try #require(page.records.first)
        #expect(stored.body == "hola" && stored.direction == "inbound" && stored.status == "received")
        #expect(stored.raw == bytes("{\"x\":1}"))
        #expect(stored.id != nil)
    }

    @Test func outboundIsStoredOncePerWamid() throws {
        let journal = try TemporaryDirectory().open()
        #expect(try journal.comms.recordOutbound(outbound("wamid.OUT")))
        #expect(try journal.comms.recordOutbound(outbound("wamid.OUT")) == false)
        #expect(try journal.comms.record(wamid: "wamid.OUT")?.direction == "outbound")
        #expect(try journal.comms.record(wamid: "wamid.OUT")?.status == nil)
    }

    @Test(arguments: permutations(Array(delivery.indices)))
    func statusesInAnyOrderNeverDowngrade(order: [Int]) throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordOutbound(outbound("wamid.OUT"))
        var best = -1
        for index in order {
            let outcome = try journal.comms.applyStatus(wamid: "wamid.OUT", status: delivery[index].status, at: delivery[index].at,
                                                        now: t0 + .seconds(10))
            #expect(outcome == (index > best ? .applied : .unchanged))
            best = max(best, index)
            let stored = try journal.comms.record(wamid: "wamid.OUT")
            #expect(stored?.status == delivery[best].status)
            #expect(stored?.statusAt == delivery[best].at)
        }
    }

    @Test(arguments: permutations(["sent", "delivered", "read"]))
    func readWinsWhateverTheArrivalOrder(order: [String]) throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordOutbound(outbound("wamid.OUT"))
        for status in order {
            try journal.comms.applyStatus(wamid: "wamid.OUT", status: status, at: t0, now: t0)
        }
        #expect(try journal.comms.record(wamid: "wamid.OUT")?.status == "read")
    }

    @Test func failedKeepsItsErrorAgainstLateStatuses() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordOutbound(outbound("wamid.OUT"))
        let error = CommsError(code: 131047, text: "Re-engagement message")
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "failed", at: t0 + .seconds(2), error: error,
                                              now: t0 + .seconds(3)) == .applied)
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "sent", at: t0 + .seconds(1), now: t0 + .seconds(4)) == .unchanged)
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "delivered", at: t0 + .seconds(5), now: t0 + .seconds(5)) == .unchanged)
        let stored = try #require(try journal.comms.record(wamid: "wamid.OUT"))
        #expect(stored.status == "failed")
        #expect(stored.errorCode == 131047 && stored.errorText == "Re-engagement message")
        #expect(stored.statusAt == t0 + .seconds(2))
        #expect(stored.updatedAt == t0 + .seconds(3))
    }

    @Test func unknownStatusesOnlyFillAnEmptyStatus() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordOutbound(outbound("wamid.OUT"))
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "deleted", at: t0, now: t0) == .applied)
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "sent", at: t0, now: t0) == .applied)
        #expect(try journal.comms.applyStatus(wamid: "wamid.OUT", status: "deleted", at: t0, now: t0) == .unchanged)
        #expect(try journal.comms.record(wamid: "wamid.OUT")?.status == "sent")
    }

    @Test func statusesDoNotTouchInboundRows() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordInbound(inbound("wamid.IN1"))
        #expect(try journal.comms.applyStatus(wamid: "wamid.IN1", status: "read", at: t0, now: t0) == .unchanged)
        #expect(try journal.comms.record(wamid: "wamid.IN1")?.status == "received")
        #expect(try journal.comms.heldStatusCount() == 0)
    }

    @Test func statusForAnUnknownWamidIsHeldAndAppliedWhenTheMessageIsRecorded() throws {
        let journal = try TemporaryDirectory().open()
        let error = CommsError(code: 131026, text: "Message undeliverable")
        #expect(try journal.comms.applyStatus(wamid: "wamid.EARLY", status: "delivered", at: t0 + .seconds(2), now: t0) == .held)
        #expect(try journal.comms.applyStatus(wamid: "wamid.EARLY", status: "sent", at: t0 + .seconds(1), now: t0) == .held)
        #expect(try journal.comms.applyStatus(wamid: "wamid.EARLY", status: "sent", at: t0 + .seconds(1), now: t0) == .held)
        #expect(try journal.comms.applyStatus(wamid: "wamid.OTHER", status: "failed", at: t0, error: error, now: t0) == .held)
        #expect(try journal.comms.heldStatusCount() == 3)
        #expect(try journal.comms.record(wamid: "wamid.EARLY") == nil)

        try journal.comms.recordOutbound(outbound("wamid.EARLY"))
        let stored = try #require(try journal.comms.record(wamid: "wamid.EARLY"))
        #expect(stored.status == "delivered" && stored.statusAt == t0 + .seconds(2))
        #expect(try journal.comms.heldStatusCount() == 1)

        try journal.comms.recordOutbound(outbound("wamid.OTHER"))
        let failed = try #require(try journal.comms.record(wamid: "wamid.OTHER"))
        #expect(failed.status == "failed" && failed.errorCode == 131026 && failed.errorText == "Message undeliverable")
        #expect(try journal.comms.heldStatusCount() == 0)
    }

    @Test func heldStatusesArePrunedByAge() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.applyStatus(wamid: "wamid.OLD", status: "sent", at: t0, now: t0)
        try journal.comms.applyStatus(wamid: "wamid.NEW", status: "sent", at: t0, now: t0 + .days(2))
        #expect(try journal.comms.pruneStatusBacklog(receivedBefore: t0 + .days(1)) == 1)
        #expect(try journal.comms.heldStatusCount() == 1)
    }

    @Test func conversationPagesOldestFirst() throws {
        let journal = try TemporaryDirectory().open()
        for index in 1...5 {
            try journal.comms.recordInbound(inbound("wamid.A\(index)", body: "a\(index)", at: Int64(index)))
            try journal.comms.recordInbound(inbound("wamid.B\(index)", contact: "34611000000", phone: "34611000000", body: "b\(index)"))
        }
        var bodies: [[String?]] = []
        var cursor: Int64?
        repeat {
            let page = try journal.comms.conversation(with: .contactKey("34600111222"), after: cursor, limit: 2)
            bodies.append(page.records.map(\.body))
            cursor = page.nextCursor
        } while cursor != nil
        #expect(bodies == [["a1", "a2"], ["a3", "a4"], ["a5"]])

        let exact = try journal.comms.conversation(with: .contactKey("34600111222"), limit: 5)
        #expect(exact.records.count == 5 && exact.nextCursor == nil)
        #expect(try journal.comms.conversation(with: .contactKey("nobody"), limit: 5) == CommsLog.Page(records: [], nextCursor: nil))
    }

    @Test func pageSizeIsBounded() throws {
        let journal = try TemporaryDirectory().open()
        try journal.transaction {
            for index in 0..<(CommsLog.maxPageSize + 5) { try journal.comms.recordInbound(inbound("wamid.\(index)")) }
        }
        let huge = try journal.comms.conversation(with: .contactKey("34600111222"), limit: 1_000_000)
        #expect(huge.records.count == CommsLog.maxPageSize)
        #expect(huge.nextCursor == huge.records.last?.id)
        #expect(try journal.comms.conversation(with: .contactKey("34600111222"), limit: 0).records.count == 1)
        #expect(try journal.comms.conversation(with: .contactKey("34600111222"), after: huge.nextCursor, limit: 1_000).records.count == 5)
    }

    @Test func conversationByPhoneFindsRowsKeyedByBusinessScopedID() throws {
        let journal = try TemporaryDirectory().open()
        try journal.comms.recordInbound(inbound("wamid.1", contact: "34600111222", phone: "34600111222", body: "before BSUID"))
        try journal.comms.recordInbound(inbound("wamid.2", contact: "ES.1349", phone: "34600111222", body: "with BSUID"))
        try journal.comms.recordInbound(inbound("wamid.3", contact: "ES.1349", phone: nil, body: "username only"))
        #expect(try journal.comms.conversation(with: .phone("34600111222"), limit: 10).records.map(\.body) == ["before BSUID", "with BSUID"])
        #expect(try journal.comms.conversation(with: .contactKey("ES.1349"), limit: 10).records.map(\.body) == ["with BSUID", "username only"])
    }
}
