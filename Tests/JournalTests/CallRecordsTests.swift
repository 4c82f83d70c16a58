import Testing
@testable import Journal
import CallCore

@Suite struct CallRecordsTests {
    private func completed(_ id: String, offeredAt: Instant) -> CallDetailRecord {
        CallDetailRecord(callId: id, direction: "inbound", remoteNumber: "34600111222", businessNumber: "442071838750",
                   offeredAt: offeredAt, answeredAt: offeredAt + .seconds(4), endedAt: offeredAt + .seconds(64),
                   duration: .seconds(60), outcome: "completed", answeredBy: "ana", endReason: "remote hangup")
    }

    @Test func aCallIsRecordedOnceEvenIfRecoveryRunsTwice() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let record = completed("wacid.A", offeredAt: t0)
        #expect(try journal.callRecords.record(record))
        var second = record
        second.outcome = "failed"
        #expect(try journal.callRecords.record(second) == false)
        #expect(try journal.callRecords.call(id: "wacid.A") == record)
        #expect(try journal.callRecords.recentCalls(limit: 10).count == 1)
    }

    @Test func recentCallsAreNewestFirst() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        for (index, id) in ["a", "b", "c"].enumerated() {
            try journal.callRecords.record(completed(id, offeredAt: t0 + .minutes(Int64(index))))
        }
        let missed = CallDetailRecord(callId: "old", direction: "outbound", remoteNumber: nil, businessNumber: "442071838750",
                                offeredAt: t0 - .hours(1), answeredAt: nil, endedAt: t0 - .minutes(59),
                                duration: .zero, outcome: "missed", quality: "n/a")
        try journal.callRecords.record(missed)
        #expect(try journal.callRecords.recentCalls(limit: 10).map(\.callId) == ["c", "b", "a", "old"])
        #expect(try journal.callRecords.recentCalls(limit: 2).map(\.callId) == ["c", "b"])
        #expect(try journal.callRecords.call(id: "old") == missed)
        #expect(try journal.callRecords.call(id: "none") == nil)
    }

    @Test func anUnknownOutcomeIsRefused() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        var record = completed("x", offeredAt: t0)
        record.outcome = "great"
        #expect {
            try journal.callRecords.record(record)
        } throws: { ($0 as? JournalError)?.kind == .constraint }
    }
}
