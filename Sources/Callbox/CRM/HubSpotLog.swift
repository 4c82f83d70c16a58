import CallCore
import HubSpot
import Journal

/// What the box owes HubSpot, queued in the outbox inside the transaction of the state change
/// that caused it (DESIGN principle 3): an engagement per recorded call, a communication per
/// WhatsApp message when `[hubspot] log_messages` is on. Exists only when HubSpot is
/// configured (the `hubspot_access_token` secret).
final class HubSpotLog {
    private let journal: Journal
    /// `[agent NAME]` owner ids in config order: a browser answerer's index points here.
    private let agentOwnerIDs: [String?]
    private let logMessages: Bool
    /// The widget's side of the hand-off for browser calls.
    private let widget: WidgetCallLog?

    init(journal: Journal, agentOwnerIDs: [String?], logMessages: Bool, widget: WidgetCallLog? = nil) {
        self.journal = journal
        self.widget = widget
        self.agentOwnerIDs = agentOwnerIDs
        self.logMessages = logMessages
    }

    /// Queues the engagement for a call record just written. Keyed by the call id, so a
    /// replay after a crash cannot queue it twice.
    func callRecorded(_ record: CallDetailRecord, at now: Instant) throws {
        guard let direction = CallEngagement.Direction(rawValue: record.direction),
              let outcome = CallEngagement.Outcome(rawValue: record.outcome) else { return }
        // A username user has no number (spec §11.4): their username, else their WhatsApp user
        // id, stands where the number would.
        let username = try journal.callSessions.session(callKey: record.callId)?.remoteUsername
        let remote = record.remoteNumber ?? username ?? record.remoteUserID ?? ""
        let engagement = CallEngagement(
            callID: record.callId, direction: direction, outcome: outcome, remoteNumber: remote,
            businessNumber: record.businessNumber, offeredAtMilliseconds: record.offeredAt.unixMilliseconds,
            durationMilliseconds: record.duration.milliseconds, answeredBy: record.answeredBy,
            answeringOwnerID: record.answeredBy.flatMap(ownerID(ofAnswerer:)), endReason: record.endReason,
            quality: record.quality)
        let write = CRMWrite.call(engagement)
        try journal.outbox.enqueue(kind: write.kind, idempotencyKey: write.idempotencyKey, payload: write.payload, now: now,
                                   dueAt: widget == nil ? now : WidgetCallLog.dueAt(for: record, recordedAt: now))
        try widget?.recorded(callKey: record.callId)
    }

    /// Queues a communication for an inbound message just stored in the comms log. Keyed by
    /// the wamid, so a redelivered webhook cannot queue it twice.
    func inboundMessageStored(_ record: CommsRecord, at now: Instant) throws {
        try message(record, .inbound, at: now)
    }

    /// Queues a communication for a message the box sent, once Graph returned its wamid: call
    /// it in the transaction that records the outbound row (`comms.recordOutbound`).
    func outboundMessageSent(_ record: CommsRecord, at now: Instant) throws {
        try message(record, .outbound, at: now)
    }

    private func message(_ record: CommsRecord, _ direction: WhatsAppCommunication.Direction, at now: Instant) throws {
        guard logMessages else { return }
        let text = record.body ?? record.caption ?? "WhatsApp \(record.type) message"
        let message = WhatsAppCommunication(wamid: record.wamid, direction: direction, remoteNumber: record.phone ?? record.contactKey,
                                            text: text, sentAtMilliseconds: record.sentAt.unixMilliseconds,
                                            contactID: record.hubspotContactID)
        try enqueue(.communication(message), at: now)
    }

    private func enqueue(_ write: CRMWrite, at now: Instant) throws {
        try journal.outbox.enqueue(kind: write.kind, idempotencyKey: write.idempotencyKey, payload: write.payload, now: now)
    }

    private func ownerID(ofAnswerer name: String) -> String? {
        guard case let .browser(agent)? = Answerer(journalName: name), Int(agent) < agentOwnerIDs.count else { return nil }
        return agentOwnerIDs[Int(agent)]
    }
}
