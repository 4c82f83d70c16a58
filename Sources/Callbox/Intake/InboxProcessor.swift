// Intake/ owns what Meta sends: the webhook intake (signature, group commit, the disk budget)
// and this processor, which turns each committed delivery into calls, messages, statuses and
// permission replies. It may use Calls/, Messaging/ and CRM/; only Wiring/ uses it.

import CallCore
import Journal
import Runtime
import WhatsApp

/// Turns committed deliveries into events, after their 200 has gone out. Each delivery is
/// processed in one transaction: its events' transitions, their dedup keys and the mark
/// "processed" commit together, so a crash halfway replays the whole delivery and a
/// finished one is never replayed.
final class InboxProcessor {
    /// Deliveries handled per turn of the loop, so a backlog after an outage cannot hold
    /// the loop (and new webhooks' answers) for long.
    static let deliveriesPerTurn = 64

    private let journal: Journal
    private let calls: CallController
    /// Applies `call_permission_reply` messages to the ledger.
    private let permissions: CallPermissions?
    private let phoneNumberID: String?
    /// `[whatsapp] business_number`: the callee of a connect that names none.
    private let businessNumber: PhoneNumber?
    private let log = Logger("inbox")
    private var scheduled = false
    private let loop: EventLoop
    let events: Metrics.Family
    let undecodable: Metrics.Family
    /// Queues stored messages for HubSpot; nil when HubSpot is not configured.
    private let hubSpotLog: HubSpotLog?

    init(journal: Journal, calls: CallController, phoneNumberID: String?, businessNumber: PhoneNumber?, loop: EventLoop, metrics: Metrics,
         permissions: CallPermissions? = nil, hubSpotLog: HubSpotLog? = nil) {
        self.journal = journal
        self.permissions = permissions
        self.hubSpotLog = hubSpotLog
        self.calls = calls
        self.phoneNumberID = phoneNumberID
        self.businessNumber = businessNumber
        self.loop = loop
        events = metrics.counter("callbox_webhook_events_total", "Events decoded from webhook deliveries, by kind; duplicates are redeliveries already seen.", labels: ["kind"])
        for kind in WebhookEvent.kinds + ["duplicate", "other_number", "invalid"] {
            events.increment(kind, by: 0)
        }
        undecodable = metrics.counter("callbox_webhooks_undecodable_total", "Signed deliveries kept raw because they could not be decoded.")
        undecodable.increment(by: 0)
    }

    /// Inbound messages the open batch stored, announced as `messageStored` once it commits.
    private var storedMessages: [(wamid: String, phone: PhoneNumber)] = []
    /// Each inbound message after the batch that stored it commits: the HubSpot contact is
    /// looked up then, off the intake's path, and the widgets hear of it.
    let messageStored = Broadcast<(wamid: String, phone: PhoneNumber)>()
    /// Statuses the open batch applied to sent messages, announced as `statusApplied` once it commits.
    private var appliedStatuses: [(wamid: String, status: String)] = []
    /// Each status applied to a sent message, once committed, for the widgets.
    let statusApplied = Broadcast<(wamid: String, status: String)>()

    /// Deliveries just committed by the intake, processed next from memory.
    private var queued: [(id: Int64, body: [UInt8])] = []

    func enqueue(_ deliveries: [(id: Int64, body: [UInt8])]) {
        queued += deliveries
        schedule()
    }

    /// Picks up deliveries left pending in the database: after a restart, a failed batch,
    /// or `callbox journal reprocess`. While fresh ones are queued, they come first.
    func rescan() {
        guard queued.isEmpty else { return }
        do {
            let pending = try journal.inbox.pending(limit: Self.deliveriesPerTurn)
            process(pending.map { (id: $0.id, body: $0.body) })
            if pending.count == Self.deliveriesPerTurn { schedule() }
        } catch {
            log.error("cannot read the inbox", ["error": "\(error)"])
        }
    }

    /// Processes soon, on the loop, after the current callbacks.
    private func schedule() {
        guard !scheduled else { return }
        scheduled = true
        loop.schedule(afterMilliseconds: 0) { [weak self] in
            guard let self else { return }
            self.scheduled = false
            if self.queued.isEmpty {
                self.rescan()
                return
            }
            let batch = Array(self.queued.prefix(Self.deliveriesPerTurn))
            self.queued.removeFirst(batch.count)
            self.process(batch)
            if !self.queued.isEmpty { self.schedule() }
        }
    }

    /// Processes a batch of deliveries in one transaction, then runs their effects. Each
    /// delivery has its own savepoint, so one that fails is marked failed without taking the
    /// others with it.
    private func process(_ batch: [(id: Int64, body: [UInt8])]) {
        guard !batch.isEmpty else { return }
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        do {
            // Until an effect reaches Graph, replaying this batch after a power cut is
            // harmless (the deliveries are committed), so the commit need not wait for the
            // disk; it is made durable only when it is about to tell Meta something
            // (DESIGN principle 3: durable before effects).
            try journal.deferredDurabilityTransaction {
                for delivery in batch { try process(delivery, at: now) }
            }
            if calls.hasExternalEffectsPending { try journal.makeDurable() }
            calls.runPendingEffects()
            let stored = storedMessages
            storedMessages.removeAll()
            for message in stored { messageStored.publish((wamid: message.wamid, phone: message.phone)) }
            let statuses = appliedStatuses
            appliedStatuses.removeAll()
            for applied in statuses { statusApplied.publish((wamid: applied.wamid, status: applied.status)) }
        } catch {
            calls.discardPendingEffects()
            storedMessages.removeAll()
            appliedStatuses.removeAll()
            log.error("inbox batch could not commit; it stays pending", ["count": "\(batch.count)", "error": "\(error)"])
        }
    }

    private func process(_ delivery: (id: Int64, body: [UInt8]), at now: Instant) throws {
        let decoded: WebhookDelivery
        do {
            decoded = try WebhookDelivery.decode(delivery.body)
        } catch {
            undecodable.increment()
            log.warning("delivery kept undecodable", ["inbox": "\(delivery.id)", "error": error.description])
            try journal.inbox.markUndecodable(id: delivery.id, error: error.description, at: now)
            return
        }
        let effects = calls.pendingEffectCount
        let messages = storedMessages.count
        let statuses = appliedStatuses.count
        do {
            try journal.transaction {
                for rejected in decoded.rejected {
                    events.increment("invalid")
                    log.warning("delivery item skipped", ["inbox": "\(delivery.id)", "error": rejected.description])
                }
                for event in decoded.events { try dispatch(event, at: now) }
                try journal.inbox.markProcessed(id: delivery.id, at: now)
            }
        } catch {
            calls.discardPendingEffects(from: effects)
            storedMessages.removeSubrange(messages...)
            appliedStatuses.removeSubrange(statuses...)
            log.error("delivery processing failed; marked failed for `callbox journal reprocess`",
                      ["inbox": "\(delivery.id)", "error": "\(error)"])
            try journal.inbox.markFailed(id: delivery.id, error: "\(error)", at: now)
        }
    }

    private func dispatch(_ event: WebhookEvent, at now: Instant) throws {
        if let wanted = phoneNumberID, let number = event.source.phoneNumberID, number != wanted {
            events.increment("other_number")
            log.notice("event for another business number ignored", ["phone_number_id": number])
            return
        }
        if let key = event.dedupKey, try !journal.eventKeys.rememberEvent(key: key, at: now) {
            events.increment("duplicate")
            return
        }
        switch event {
        case let .call(call):
            try dispatch(call, at: now)
        case let .callStatus(update):
            guard let id = CallId(update.id) else { return invalid("call id", update.id) }
            events.increment(event.kind)
            try keepErrors(update.errors, call: update.id, event: "status \(update.status.text)", at: now)
            let status: CallStatus
            switch update.status {
            case .ringing: status = .ringing
            case .accepted: status = .accepted
            case .rejected: status = .rejected
            case let .other(text):
                log.notice("unknown call status ignored", ["call": update.id, "status": text])
                return
            }
            try calls.apply(.status(id, status), at: now)
        case let .message(message):
            events.increment(event.kind)
            var record = CommsRecord(CommsEntry(inbound: message), at: now)
            // HubSpot contacts are found by phone: a username user's message is known to match none.
            if record.phone == nil { record.hubspotContactID = CommsContactLinker.unknownContact(record.contactKey) }
            let stored = try journal.comms.recordInbound(record)
            if stored { try hubSpotLog?.inboundMessageStored(record, at: now) }
            if stored, let phone = record.phone.flatMap(PhoneNumber.init) { storedMessages.append((record.wamid, phone)) }
            log.info("message received", ["wamid": message.id, "type": record.type, "stored": stored ? "yes" : "duplicate"])
            if case let .interactive(.callPermissionReply(reply)) = message.content {
                try permissions?.recordReply(reply, userID: message.fromUserID ?? message.contact?.userID,
                                             phone: message.from ?? message.contact?.waID, at: now)
            }
            if case let .system(_, "user_changed_user_id", current?) = message.content,
               let previous = message.fromUserID ?? message.contact?.userID {
                try repoint(previous: previous, current: current, phone: message.from, at: now)
            }
        case let .messageStatus(status):
            events.increment(event.kind)
            let update = CommsEntry.StatusUpdate(status)
            let outcome = try journal.comms.applyStatus(
                wamid: update.wamid, status: update.status, at: update.at,
                error: update.errorCode.map { CommsError(code: $0, text: update.errorText) }, now: now)
            if outcome == .applied { appliedStatuses.append((update.wamid, update.status)) }
            log.info("message status", ["wamid": status.id, "status": update.status, "outcome": "\(outcome)"])
        case let .systemErrors(_, errors):
            events.increment(event.kind)
            for error in errors { log.warning("Meta reported an error", ["code": "\(error.code)", "message": error.message ?? ""]) }
        case let .userIDChange(change):
            events.increment(event.kind)
            try repoint(previous: change.previousUserID, current: change.currentUserID, phone: change.waID, at: now)
            if let previous = change.previousParentUserID, let current = change.currentParentUserID {
                try repoint(previous: previous, current: current, phone: change.waID, at: now)
            }
        case let .accountUpdate(_, value):
            events.increment(event.kind)
            log.warning("Meta account update", [
                "event": value["event"]?.string ?? "",
                "violation": value["violation_info"]?["violation_type"]?.string ?? "",
                "restrictions": (value["restriction_info"]?.array ?? []).compactMap { $0["restriction_type"]?.string }.joined(separator: ","),
            ])
        case let .unknown(source, _):
            events.increment(event.kind)
            log.notice("unknown webhook kind stored", ["field": source.field])
        }
    }

    private func dispatch(_ call: CallWebhook, at now: Instant) throws {
        guard let id = CallId(call.id) else { return invalid("call id", call.id) }
        events.increment(WebhookEvent.call(call).kind)
        try keepErrors(call.errors, call: call.id, event: call.event.name, at: now)
        switch call.event {
        case let .connect(session) where session.sdpType == .offer:
            // A username user calls with a BSUID and no phone (spec §11.4).
            guard let from = WhatsAppUser(phoneText: call.from ?? call.contact?.waID, userIDText: call.fromUserID ?? call.contact?.userID) else {
                return invalid("caller", call.from ?? "")
            }
            // The callee is this business; a connect that names no number rings the configured one.
            guard let to = PhoneNumber(call.to ?? call.source.displayPhoneNumber ?? "") ?? businessNumber else {
                return invalid("business number", call.to ?? "")
            }
            // A connect without a time of its own is judged by when it arrived, never taken for stale.
            let sent = call.timestamp > 0 ? Instant(unixSeconds: call.timestamp) : now
            let connect = IncomingConnect(id: id, from: from, to: to, timestamp: sent)
            try calls.apply(.incomingConnect(connect), at: now,
                            session: SessionChange.opened(direction: .inbound, remote: from, business: to, offeredAt: now,
                                             offerSDP: session.sdp, callerName: call.contact?.name, username: call.contact?.username))
        case let .connect(session):
            try calls.apply(.remoteAnswer(id), at: now, session: .remoteAnswer(sdp: session.sdp))
        case let .terminate(termination):
            let status: TerminateStatus = switch termination.resolved {
            case .failed: .failed
            case .rejected: .rejected
            case .completed, .other: .completed
            }
            try calls.apply(.terminated(Termination(
                id: id, status: status, duration: termination.duration.map { .seconds($0) },
                startedAt: termination.startTime.map { Instant(unixSeconds: $0) },
                endedAt: termination.endTime.map { Instant(unixSeconds: $0) })), at: now)
        case .created:
            // Only SIP numbers get it (spec §11.3); their media never reaches the box.
            log.notice("SIP call created at Meta", ["call": call.id, "direction": call.direction?.rawValue ?? ""])
        case let .recordingAvailable(media):
            try store(media, .recording, of: call, at: now)
        case let .transcriptionAvailable(media):
            try store(media, .transcript, of: call, at: now)
        case let .other(name):
            log.notice("call event of an unknown kind kept", ["call": call.id, "event": name])
        }
    }

    /// Meta's errors for a call, kept in its own words for agents and `callbox journal call`.
    private func keepErrors(_ errors: [MetaError], call: String, event: String, at now: Instant) throws {
        for error in errors {
            log.warning("Meta reported a call error", ["call": call, "event": event, "code": "\(error.code)",
                                                      "message": error.details ?? error.message ?? error.title ?? ""])
            try journal.callReports.recordError(callID: call, CallReports.MetaErrorRow(
                event: event, code: error.code, title: error.title, message: error.message, details: error.details), at: now)
        }
    }

    private func store(_ media: MediaAttachment, _ kind: CallReports.MediaKind, of call: CallWebhook, at now: Instant) throws {
        try journal.callReports.recordMedia(callID: call.id, CallReports.MediaRow(
            kind: kind, mediaID: media.id, sha256: media.sha256, mimeType: media.mimeType, url: media.url,
            userPhone: call.userPhone, userID: call.userID), at: now)
        log.info("call \(kind.rawValue) ready at Meta", ["call": call.id, "media": media.id])
    }

    private func repoint(previous: String, current: String, phone: String?, at now: Instant) throws {
        let moved = try journal.userIDChanges.repoint(previous: previous, current: current, phone: phone, at: now)
        log.notice("user id changed", ["from": previous, "to": current, "messages": "\(moved.messages)",
                                       "permissions": "\(moved.permissions)", "calls": "\(moved.calls)"])
    }

    private func invalid(_ what: String, _ value: String) {
        events.increment("invalid")
        log.warning("event with an unusable \(what) skipped", ["value": String(value.prefix(120))])
    }
}
