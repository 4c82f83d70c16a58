import CallCore
import HubSpot
import Journal
import Testing
@testable import Callbox

private let t0 = Instant(unixSeconds: 1_767_225_600)

private func record(_ id: String, answeredBy: String?) -> CallDetailRecord {
    CallDetailRecord(callId: id, direction: "inbound", remoteNumber: "34600111222", businessNumber: "442071838750",
                     offeredAt: t0, answeredAt: t0 + .seconds(3), endedAt: t0 + .seconds(63), duration: .seconds(60),
                     outcome: "completed", answeredBy: answeredBy, endReason: "remote_hangup", quality: nil)
}

@Suite struct WidgetCallLogTests {
    let temporary: TemporaryJournal
    let log: HubSpotLog
    let widget: WidgetCallLog

    init() throws {
        temporary = try TemporaryJournal()
        widget = WidgetCallLog(journal: temporary.journal) { t0 + .seconds(70) }
        log = HubSpotLog(journal: temporary.journal, agentOwnerIDs: [nil], logMessages: false, widget: widget)
    }

    func row(_ id: String) throws -> OutboxItem? {
        try temporary.journal.outbox.item(idempotencyKey: CRMWrite.callKey(callID: id))
    }

    @Test func aBrowserCallWaitsForTheWidgetOthersAreDueAtOnce() throws {
        try log.callRecorded(record("wacid.W1", answeredBy: "browser:0"), at: t0)
        try log.callRecorded(record("wacid.W2", answeredBy: "handset"), at: t0)
        #expect(try row("wacid.W1")?.nextAttemptAt == t0 + WidgetCallLog.grace)
        #expect(try row("wacid.W2")?.nextAttemptAt == t0)
    }

    @Test func completedSettlesTheRowAsLoggedByTheWidget() throws {
        try log.callRecorded(record("wacid.W3", answeredBy: "browser:0"), at: t0)
        try widget.completedByWidget(call: "wacid.W3", engagementID: "901")
        let settled = try #require(try row("wacid.W3"))
        #expect(settled.state == .delivered && settled.objectID == "901" && settled.lastError == WidgetCallLog.settledNote)
        #expect(try temporary.journal.outbox.due(at: t0 + .days(1), limit: 10).isEmpty)
    }

    @Test func whatTheWidgetSaysBeforeTheRecordIsAppliedWhenItIsWritten() throws {
        try widget.engagementCreated(call: "wacid.W4", engagementID: "902")
        try widget.completedByWidget(call: "wacid.W5", engagementID: nil)
        try log.callRecorded(record("wacid.W4", answeredBy: "browser:0"), at: t0)
        try log.callRecorded(record("wacid.W5", answeredBy: "browser:0"), at: t0)
        let adopted = try #require(try row("wacid.W4"))
        #expect(adopted.state == .pending && adopted.objectID == "902", "the outbox will update the widget's engagement")
        let settled = try #require(try row("wacid.W5"))
        #expect(settled.state == .delivered && settled.objectID == "widget")
    }
}
