import CallCore
import Config
import Journal
import Runtime
import WhatsApp

/// One contact's call permission as the box answers about it (spec §4): the record after
/// lazy expiry, whether a call or a request may go out now and which rule says no, how the
/// record came to be, and whether Meta was asked.
struct PermissionStatus {
    /// Whether Meta's `call_permissions` took part in the answer.
    enum MetaCheck: Equatable {
        /// The ledger alone answered (status).
        case notAsked
        /// Meta agreed with the ledger.
        case agreed
        /// Meta disagreed and won; the ledger had this state.
        case corrected(from: PermissionState)
        /// Meta could not be asked; the ledger answered.
        case unavailable(MetaPermissionLookup.Unavailable)
    }

    var user: WhatsAppUser
    var contactKey: String
    var record: PermissionRecord
    var call: PermissionDecision
    var request: PermissionDecision
    /// The most recent changes, oldest first.
    var history: [PermissionHistoryEntry]
    var meta: MetaCheck
}

/// What became of a permission request.
enum PermissionRequestOutcome {
    /// Meta took it; the ledger and the comms log have it.
    case sent(wamid: String, status: PermissionStatus)
    /// A rule refused it: the box's own before Meta was asked, or Meta's (138009, 138017).
    case refused(PermissionRefusal, byMeta: Bool, status: PermissionStatus)
    /// Meta refused for another reason, or did not answer.
    case failed(GraphRequestFailure)
    case notConfigured
    /// The ledger could not be read or written.
    case journalFailed(String)
}

/// Call permissions on the event loop: Meta's rules (`PermissionPolicy`, from
/// `[permissions]`) applied to the ledger before Meta is asked, the request message, the
/// user's reply, call outcomes, and reconciling with Meta, whose word wins (spec §4).
/// Every change is journalled with its source.
final class CallPermissions {
    /// Changes shown with a status: enough to see how the record came to be.
    static let historyShown = 20

    let policy: PermissionPolicy
    private let journal: Journal
    private let graph: GraphClient?
    private let number: BusinessNumber
    private let clock: () -> Instant
    let lookup: MetaPermissionLookup
    private let log = Logger("permissions")
    /// Each saved change, for the widgets' `permission.changed`. Announced as it is saved,
    /// inside the transaction: a widget treats it as a hint and reads the status route.
    private let onChange: ((_ contactKey: String, _ phone: PhoneNumber?, PermissionRecord, PermissionChange) -> Void)?

    /// `graph` is nil when WhatsApp is not configured: requests are then refused as such and
    /// Meta is never asked.
    init(settings: PermissionSettings, journal: Journal, graph: GraphClient?, number: BusinessNumber,
         clock: @escaping () -> Instant = { Instant(unixMilliseconds: WallClock.milliseconds()) },
         onChange: ((_ contactKey: String, _ phone: PhoneNumber?, PermissionRecord, PermissionChange) -> Void)? = nil) {
        self.onChange = onChange
        policy = PermissionPolicy(rules: PermissionRules(
            requestCooldown: settings.requestCooldown, maxRequestsPerWeek: settings.maxRequestsPerWeek,
            temporaryValidity: settings.temporaryValidity, revokeAfterMissed: settings.revokeAfterMissed))
        self.journal = journal
        self.graph = graph
        self.number = number
        self.clock = clock
        lookup = MetaPermissionLookup(graph: graph, number: number, clock: clock)
    }

    // MARK: contacts

    /// The business-scoped user id: the one given, else the one Meta has named for this phone,
    /// else the phone (spec §9), followed through any change of id Meta reported (spec §11.4).
    func contactKey(for user: WhatsAppUser) throws -> String {
        if let id = user.userID { return try journal.userIDChanges.current(for: id.description) }
        guard let phone = user.phone else { return user.key }
        return try journal.comms.userID(forPhone: phone.description) ?? phone.description
    }

    /// Saves a change and announces it (`permission.changed`); inside the caller's transaction.
    private func save(_ record: PermissionRecord, key: String, change: PermissionChange, phone: PhoneNumber?) throws {
        try journal.permissions.save(record, contactKey: key, change: change)
        onChange?(key, phone ?? PhoneNumber(key), record, change)
    }

    /// The contact's record, with a lapse journalled as it is noticed.
    private func current(_ key: String, now: Instant) throws -> PermissionRecord {
        var record = try journal.permissions.record(contactKey: key) ?? PermissionRecord(updatedAt: now)
        if let change = policy.expire(&record, now: now) {
            try save(record, key: key, change: change, phone: nil)
            log.info("permission lapsed", ["contact": key, "reason": change.reason.rawValue])
        }
        return record
    }

    // MARK: answers

    /// From the ledger alone, without asking Meta.
    func status(_ user: WhatsAppUser) throws -> PermissionStatus {
        let now = clock()
        return try journal.transaction {
            let key = try contactKey(for: user)
            return try describe(user, key: key, record: try current(key, now: now), meta: .notAsked,
                                metaState: lookup.cached(user), now: now)
        }
    }

    /// "May this call be placed now, and if not, why": the ledger reconciled with Meta's
    /// `call_permissions`, whose answer wins and is journalled as a correction (source
    /// `meta_reconcile`). When Meta cannot be asked the ledger answers and says so.
    func validate(_ user: WhatsAppUser, completion: @escaping (Result<PermissionStatus, Error>) -> Void) {
        lookup.lookUp(user) { [weak self] answer in
            guard let self else { return }
            completion(Result { try self.reconcile(user, with: answer) })
        }
    }

    private func reconcile(_ user: WhatsAppUser, with answer: Result<CallPermissionState, MetaPermissionLookup.Unavailable>) throws
        -> PermissionStatus {
        let now = clock()
        return try journal.transaction {
            let key = try contactKey(for: user)
            var record = try current(key, now: now)
            switch answer {
            case let .failure(why):
                return try describe(user, key: key, record: record, meta: .unavailable(why), metaState: nil, now: now)
            case let .success(state):
                var check = PermissionStatus.MetaCheck.agreed
                if let status = state.metaStatus(current: record.state, validity: policy.rules.temporaryValidity, now: now) {
                    let before = record.state
                    if let change = policy.reconcile(&record, withMeta: status, now: now) {
                        try save(record, key: key, change: change, phone: user.phone)
                        log.notice("Meta corrected the permission", ["contact": key, "from": before.name.rawValue,
                                                                      "to": record.state.name.rawValue])
                        check = .corrected(from: before)
                    }
                } else {
                    log.warning("Meta reported an unknown permission status; the ledger stands", ["contact": key])
                }
                return try describe(user, key: key, record: record, meta: check, metaState: state, now: now)
            }
        }
    }

    private func describe(_ user: WhatsAppUser, key: String, record: PermissionRecord, meta: PermissionStatus.MetaCheck,
                          metaState: CallPermissionState?, now: Instant) throws -> PermissionStatus {
        var call = policy.mayCall(record, now: now)
        if call.isAllowed, let refusal = metaState?.callLimitRefusal { call = .refused(refusal) }
        var request = policy.mayRequest(record, now: now)
        if request.isAllowed, let phone = user.phone, key != phone.description,
           let asked = try journal.permissions.record(contactKey: phone.description),
           let refusal = policy.mayRequest(asked, now: now).refusal, [.requestCooldown, .weeklyLimit].contains(refusal.rule) {
            // Requests sent before Meta named the user id were counted under the phone.
            request = .refused(refusal)
        }
        if request.isAllowed, let refusal = metaState?.requestRefusal { request = .refused(refusal) }
        let history = try journal.permissions.history(contactKey: key).suffix(Self.historyShown)
        return PermissionStatus(user: user, contactKey: key, record: record, call: call, request: request,
                                history: Array(history), meta: meta)
    }

    // MARK: requests

    /// Sends the interactive call permission request (spec §4.2) unless a rule refuses it:
    /// the box's own first, so a refusal never reaches Meta. On success the ledger's
    /// request and the comms log's outbound row commit together. Meta's 138009 / 138017
    /// are refusals too, named from Meta's limits, and correct the ledger.
    func request(_ user: WhatsAppUser, bodyText: String?, completion: @escaping (PermissionRequestOutcome) -> Void) {
        guard let graph else {
            completion(.notConfigured)
            return
        }
        let decision: PermissionStatus
        do {
            decision = try status(user)
        } catch {
            completion(.journalFailed("\(error)"))
            return
        }
        if let refusal = decision.request.refusal {
            log.info("permission request refused locally", ["contact": decision.contactKey, "rule": refusal.rule.rawValue])
            completion(.refused(refusal, byMeta: false, status: decision))
            return
        }
        let message = GraphRequest.callPermissionRequest(number, to: user, bodyText: bodyText)
        graph.sendMessage(message) { [weak self] result in
            guard let self else { return }
            switch result {
            case let .success(wamid):
                completion(recordSent(user, wamid: wamid, bodyText: bodyText, sent: message.body ?? []))
            case let .failure(.graph(error)) where error.kind == .permissionRequestLimit:
                refusedByMeta(user, error: error, completion: completion)
            case let .failure(failure):
                log.warning("permission request failed", ["contact": decision.contactKey, "error": "\(failure)"])
                completion(.failed(failure))
            }
        }
    }

    private func recordSent(_ user: WhatsAppUser, wamid: String, bodyText: String?, sent: [UInt8]) -> PermissionRequestOutcome {
        let now = clock()
        lookup.forget(user)
        do {
            let status = try journal.transaction {
                let key = try contactKey(for: user)
                var record = try current(key, now: now)
                let change = policy.recordRequest(&record, now: now)
                try save(record, key: key, change: change, phone: user.phone)
                // Meta has accepted the message; its `sent` status webhook follows (spec §7.2).
                try journal.comms.recordOutbound(CommsRecord(
                    wamid: wamid, direction: "outbound", contactKey: key, phone: user.phone?.description, type: "interactive",
                    body: "Call permission request" + (bodyText.map { ": " + $0 } ?? ""), status: "accepted",
                    sentAt: now, updatedAt: now, raw: sent))
                return try describe(user, key: key, record: record, meta: .notAsked, metaState: nil, now: now)
            }
            log.info("permission request sent", ["contact": status.contactKey, "wamid": wamid])
            return .sent(wamid: wamid, status: status)
        } catch {
            // Meta has the request; the next status or reconcile shows what Meta counts.
            log.error("permission request sent but not journalled", ["wamid": wamid, "error": "\(error)"])
            return .journalFailed("\(error)")
        }
    }

    /// Meta's limits differ from the ledger's (another tool asked, or a grant the box
    /// missed): Meta's `call_permissions` says which rule and until when, and corrects the
    /// permission.
    private func refusedByMeta(_ user: WhatsAppUser, error: GraphError,
                               completion: @escaping (PermissionRequestOutcome) -> Void) {
        lookup.forget(user)
        lookup.lookUp(user) { [weak self] answer in
            guard let self else { return }
            do {
                let status = try reconcile(user, with: answer)
                let fallback = PermissionRefusal(rule: error.code == 138017 ? .permanentExists : .requestCooldown)
                let refusal = (try? answer.get())?.requestRefusal ?? status.request.refusal ?? fallback
                log.notice("Meta refused the permission request", ["contact": status.contactKey, "code": "\(error.code ?? 0)",
                                                                  "rule": refusal.rule.rawValue])
                completion(.refused(refusal, byMeta: true, status: status))
            } catch {
                completion(.journalFailed("\(error)"))
            }
        }
    }

    // MARK: replies and calls

    /// The user's `call_permission_reply` (spec §4.3), inside the delivery's transaction.
    /// Keyed on the business-scoped user id when the message has one, else the phone.
    func recordReply(_ reply: CallPermissionReply, userID: String?, phone: String?, at now: Instant) throws {
        guard let user = WhatsAppUser(phoneText: phone, userIDText: userID) else {
            log.warning("permission reply names no user; ignored")
            return
        }
        let number = user.phone
        let key = try contactKey(for: user)
        var record = try current(key, now: now)
        let automatic = reply.responseSource == .automatic
        let change = policy.recordReply(&record, accepted: reply.response == .accept, permanent: reply.isPermanent,
                                        expiration: reply.expirationTimestamp.map(Instant.init(unixSeconds:)),
                                        automatic: automatic, now: now)
        try save(record, key: key, change: change, phone: number)
        lookup.forget(user)
        log.info("permission reply", ["contact": key, "state": record.state.name.rawValue,
                                      "source": automatic ? "automatic" : "user"])
    }

    /// Why a business-initiated call to `phone` may not be placed now, or nil (spec §3.2:
    /// Meta would answer 138006). Inside the caller's transaction.
    func callRefusal(to user: WhatsAppUser) throws -> PermissionRefusal? {
        let now = clock()
        let record = try current(try contactKey(for: user), now: now)
        return policy.mayCall(record, now: now).refusal ?? lookup.cached(user)?.callLimitRefusal
    }

    /// A finished call's effect on the limits (spec §4.5), inside the transaction that
    /// records it: a connected call in either direction resets them; an unanswered or
    /// rejected business-initiated call counts towards revocation. Failures count for nothing.
    func recordOutcome(of call: CallCore.CallRecord) throws {
        let connected = call.answeredAt != nil
        guard connected || call.outcome == .missed || call.outcome == .rejected else { return }
        let now = clock()
        let key = try contactKey(for: call.remote)
        var record = try current(key, now: now)
        guard let change = policy.recordCallOutcome(&record, direction: call.direction, connected: connected, now: now) else { return }
        try save(record, key: key, change: change, phone: call.remote.phone)
        lookup.forget(call.remote)
        if change.reason == .revokedAfterUnansweredCalls {
            log.notice("permission revoked after unanswered calls", ["contact": key, "calls": "\(record.consecutiveUnanswered)"])
        }
    }
}
