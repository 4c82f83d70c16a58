import CallCore
import HubSpot
import Journal
import Testing
@testable import Callbox

private let t0 = Instant(unixSeconds: 1_767_225_600)

private func record(answeredBy: String?, outcome: String = "completed") -> CallDetailRecord {
    CallDetailRecord(callId: "wacid.LOG1", direction: "inbound", remoteNumber: "34600111222", businessNumber: "442071838750",
                     offeredAt: t0, answeredAt: t0 + .seconds(3), endedAt: t0 + .seconds(63), duration: .seconds(60),
                     outcome: outcome, answeredBy: answeredBy, endReason: "remote_hangup", quality: nil)
}

@Suite struct HubSpotLogTests {
    @Test func aCallRecordQueuesOneEngagementOwnedByTheAnsweringAgent() throws {
        let temporary = try TemporaryJournal()
        let journal = temporary.journal
        let log = HubSpotLog(journal: journal, agentOwnerIDs: [nil, "8801"], logMessages: true)
        try log.callRecorded(record(answeredBy: "browser:1"), at: t0)
        try log.callRecorded(record(answeredBy: "browser:1"), at: t0 + .seconds(5))
        let items = try journal.outbox.due(at: t0 + .seconds(5), limit: 10)
        #expect(items.map(\.idempotencyKey) == ["hubspot-call:wacid.LOG1"], "a replay queues nothing more")
        let item = try #require(items.first)
        guard case let .call(engagement) = try CRMWrite(kind: item.kind, payload: item.payload) else {
            Issue.record("expected a call engagement")
            return
        }
        #expect(engagement.answeringOwnerID == "8801")
        #expect(engagement.durationMilliseconds == 60_000 && engagement.offeredAtMilliseconds == t0.unixMilliseconds)
        #expect(engagement.outcome == .completed && engagement.direction == .inbound)
    }

    @Test func handsetAnswersAndAgentsWithoutAnOwnerIdLeaveTheOwnerOpen() throws {
        let temporary = try TemporaryJournal()
        let journal = temporary.journal
        let log = HubSpotLog(journal: journal, agentOwnerIDs: [nil], logMessages: true)
        for (index, answerer) in ["handset", "browser:0", "browser:7"].enumerated() {
            var call = record(answeredBy: answerer)
            call.callId = "wacid.H\(index)"
            try log.callRecorded(call, at: t0)
        }
        for item in try journal.outbox.due(at: t0, limit: 10) {
            guard case let .call(engagement) = try CRMWrite(kind: item.kind, payload: item.payload) else { continue }
            #expect(engagement.answeringOwnerID == nil)
        }
        #expect(try journal.outbox.counts().pending == 3)
    }

    @Test func messagesAreQueuedPerWamidOnlyWhenLoggingMessagesIsOn() throws {
        let temporary = try TemporaryJournal()
        let journal = temporary.journal
        let message = CommsRecord(wamid: "wamid.M1", direction: "inbound", contactKey: "34600111222", phone: "34600111222",
                                  type: "image", body: nil, caption: "the invoice", sentAt: t0, updatedAt: t0)
        try HubSpotLog(journal: journal, agentOwnerIDs: [], logMessages: false).inboundMessageStored(message, at: t0)
        #expect(try journal.outbox.counts().pending == 0)
        let log = HubSpotLog(journal: journal, agentOwnerIDs: [], logMessages: true)
        try log.inboundMessageStored(message, at: t0)
        var sent = message
        sent.wamid = "wamid.M2"
        sent.body = "See you at 10"
        try log.outboundMessageSent(sent, at: t0)
        let writes = try journal.outbox.due(at: t0, limit: 10).map { try CRMWrite(kind: $0.kind, payload: $0.payload) }
        #expect(writes == [
            .communication(WhatsAppCommunication(wamid: "wamid.M1", direction: .inbound, remoteNumber: "34600111222",
                                                 text: "the invoice", sentAtMilliseconds: t0.unixMilliseconds)),
            .communication(WhatsAppCommunication(wamid: "wamid.M2", direction: .outbound, remoteNumber: "34600111222",
                                                 text: "See you at 10", sentAtMilliseconds: t0.unixMilliseconds)),
        ])
    }
}
