// Calls/ owns calls: the controller over CallCore's table and the journal, the router that
// decides who a ringing call rings, the desk handset, and call permissions as calls see them.
// It may use CRM/ (the HubSpot log, contact lookups); API/, Intake/, Events/ and Sandbox/ use it.
// It knows no widget: what happens goes out through its publishers (`stateChanges`, …).

import CallCore
import Journal
import Runtime
import WhatsApp

/// What the daemon learnt alongside an event that the call table does not keep: SDP text,
/// numbers for the call record. Stored in the call's session row in the same transaction
/// as the event's transitions.
enum SessionChange {
    case opened(direction: CallCore.CallDirection, remote: WhatsAppUser, business: PhoneNumber, offeredAt: Instant,
                offerSDP: String?, callerName: String?, username: String? = nil)
    case answered(by: Answerer, answerSDP: String?)
    case remoteAnswer(sdp: String)
}

/// What became of one event: the call it touched, and the refusal if the table said no.
struct CallEventResult {
    var handle: CallHandle?
    var refusal: Refusal?
    /// A business-initiated call the permission rules refused before the table saw it.
    var permission: PermissionRefusal?
}

/// Drives the pure call table from the event loop: journals each transition before its
/// effects run (DESIGN principle 3), then performs the effects — Graph call actions,
/// timers, ringing and widget notices — and feeds their outcomes back in as events.
final class CallController {
    private(set) var table: CallTable
    private var actions: ActionBuffer
    private let journal: Journal
    private let graph: GraphClient
    private let number: BusinessNumber
    private let loop: EventLoop
    private let log = Logger("calls")
    /// The journal key of every live call, by handle.
    private var keys: [CallHandle: String] = [:]
    /// The WhatsApp profile name of each live inbound call's caller, from its webhook.
    private(set) var callerNames: [CallHandle: String] = [:]
    private var timers: [TimerSlot: EventLoop.TimerID] = [:]
    /// Effects of the events applied in the open transaction, run once it commits.
    private var pendingEffects: [CallAction] = []
    /// Meta's SDP answers to hand to the media before the effects that start it.
    private var pendingRemoteAnswers: [(CallHandle, String)] = []
    /// The desk handset and the box's own media; nil on a box without a handset.
    weak var handset: CallMediaHandler?
    /// Queues each call record's HubSpot engagement; nil when HubSpot is not configured.
    private let hubSpotLog: HubSpotLog?
    /// Decides who a ringing call rings, and rings the handset when its plan says.
    weak var router: IncomingCallRouter?
    /// Checks business-initiated calls before Meta is asked; learns from call records.
    let permissions: CallPermissions?
    /// Each committed state change: the widgets' `call.state` events, the call routes' waits.
    let stateChanges = Broadcast<CallStateChange>()
    /// Meta's answer to an outbound call, once committed (`call.answer_sdp`).
    let remoteAnswers = Broadcast<(call: CallHandle, sdp: String)>()
    /// State changes of the open transaction, with the effect count when each was made
    /// so a partial rollback drops exactly its own.
    private var pendingStateChanges: [(effectIndex: Int, change: CallStateChange)] = []
    /// Terminal transitions, whose slot is already free, waiting for the call record that
    /// follows them in the same event and says the rest.
    private var closing: [CallHandle: (key: String, state: CallState.Name, at: Instant)] = [:]

    private struct TimerSlot: Hashable {
        var call: CallHandle
        var kind: TimerKind
    }

    init(policy: CallPolicy, journal: Journal, graph: GraphClient, number: BusinessNumber, loop: EventLoop,
         permissions: CallPermissions? = nil, hubSpotLog: HubSpotLog? = nil) {
        table = CallTable(policy: policy)
        self.permissions = permissions
        self.hubSpotLog = hubSpotLog
        actions = ActionBuffer()
        self.journal = journal
        self.graph = graph
        self.number = number
        self.loop = loop
    }

    func key(of handle: CallHandle) -> String? { keys[handle] }

    func handle(forKey key: String) -> CallHandle? {
        if let id = CallId(key), let slot = table.slot(for: id) { return slot.handle }
        return keys.first { $0.value == key }?.key
    }

    // MARK: events

    /// Applies one event inside the caller's journal transaction; its effects wait for
    /// `runPendingEffects`, after the commit.
    @discardableResult
    func apply(_ event: CallEvent, at now: Instant, session: SessionChange? = nil) throws -> CallEventResult {
        if case let .dial(dial) = event, let refusal = try permissions?.callRefusal(to: dial.to) {
            log.notice("business-initiated call refused by a permission rule",
                       ["to": dial.to.description, "rule": refusal.rule.rawValue, "by": "\(dial.by)"])
            return CallEventResult(permission: refusal)
        }
        let handle = table.handle(event, at: now, into: &actions)
        var result = CallEventResult(handle: handle)
        var changed = false
        for action in actions {
            switch action {
            case let .journal(transition):
                try journalTransition(transition)
                changed = true
            case let .record(record):
                try journalRecord(record)
            case let .refuse(refusal):
                result.refusal = refusal
                pendingEffects.append(action)
            default:
                pendingEffects.append(action)
            }
        }
        if changed, let handle, let session, let key = keys[handle] {
            try store(session, key: key)
            if case let .opened(_, _, _, _, _, name?, _) = session { callerNames[handle] = name }
        }
        if result.refusal == nil, let handle, case let .remoteAnswer(sdp)? = session {
            pendingRemoteAnswers.append((handle, sdp))
        }
        return result
    }

    /// One event on its own: apply, commit, act.
    @discardableResult
    func handleNow(_ event: CallEvent, session: SessionChange? = nil) -> CallEventResult {
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        do {
            let result = try journal.transaction { try apply(event, at: now, session: session) }
            runPendingEffects()
            return result
        } catch {
            discardPendingEffects()
            log.error("journal commit failed; the event's effects are not run", ["event": event.kind.rawValue, "error": "\(error)"])
            return CallEventResult()
        }
    }

    /// Rebuilds live calls from the journal after a restart and decides each of them.
    func recover() throws {
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        for open in try journal.callJournal.openCalls() {
            let key = open.latest.callKey
            do {
                let snapshot = try snapshot(of: key, latest: open.latest)
                keys[try table.restore(snapshot)] = key
            } catch {
                log.error("cannot restore call; closing it in the journal", ["call": key, "error": "\(error)"])
                try journal.callJournal.appendTransition(callKey: key, at: now, from: open.latest.toState, to: "failed",
                                                         event: CallEvent.Kind.recovery.rawValue, detail: "not restorable: \(error)")
            }
        }
        var recovery = ActionBuffer.forRecovery(of: table.policy)
        table.recover(at: now, into: &recovery)
        try journal.transaction {
            for action in recovery {
                switch action {
                case let .journal(transition): try journalTransition(transition)
                case let .record(record): try journalRecord(record)
                default: pendingEffects.append(action)
                }
            }
        }
        log.info("recovered calls from the journal", ["live": "\(table.liveCount)"])
        runPendingEffects()
    }

    private func snapshot(of key: String, latest: CallTransition) throws -> CallSnapshot {
        guard let session = try journal.callSessions.session(callKey: key) else { throw RecoveryProblem.noSession }
        guard let state = CallState.Name(rawValue: latest.toState) else { throw RecoveryProblem.unknownState(latest.toState) }
        guard let direction = CallCore.CallDirection(rawValue: session.direction) else { throw RecoveryProblem.unknownState(session.direction) }
        guard let remote = WhatsAppUser(phoneText: session.remoteNumber, userIDText: session.remoteUserId),
              let business = PhoneNumber(session.businessNumber) else {
            throw RecoveryProblem.badNumber
        }
        let answeredAt = try journal.callJournal.transitions(callKey: key).first { $0.toState == CallState.Name.active.rawValue }?.at
        return CallSnapshot(id: CallKey.isLocal(key) ? nil : CallId(key), direction: direction, remote: remote, business: business,
                            state: state, offeredAt: session.offeredAt, answeredAt: answeredAt,
                            answerer: session.answerer.flatMap(Answerer.init(journalName:)))
    }

    private enum RecoveryProblem: Error {
        case noSession, unknownState(String), badNumber
    }

    // MARK: journal

    private func journalTransition(_ transition: Transition) throws {
        let key: String
        if let known = keys[transition.call] {
            if let id = transition.id, CallKey.isLocal(known) {
                key = id.description
                try journal.callJournal.rekey(from: known, to: key)
            } else {
                key = known
            }
        } else {
            key = transition.id?.description ?? CallKey.local(transition.call)
        }
        keys[transition.call] = key
        var detail = ""
        if let slot = table.slot(transition.call), let reason = slot.endReason, transition.to.name.isTerminal || transition.to.name == .ending {
            detail = reason.journalName
        }
        try journal.callJournal.appendTransition(callKey: key, at: transition.at, from: transition.from?.name.rawValue ?? "",
                                                 to: transition.to.name.rawValue, event: transition.event.rawValue, detail: detail)
        if let slot = table.slot(transition.call) {
            pendingStateChanges.append((pendingEffects.count, CallStateChange(
                handle: transition.call, key: key, state: transition.to.name, direction: slot.direction, remote: slot.remote,
                answerer: slot.answerer, at: transition.at, endReason: detail.isEmpty ? nil : detail, outcome: nil)))
        } else {
            closing[transition.call] = (key, transition.to.name, transition.at)
        }
        log.info("call \(transition.from?.name.rawValue ?? "new") → \(transition.to.name.rawValue)",
                 ["call": key, "event": transition.event.rawValue])
    }

    private func journalRecord(_ record: CallCore.CallRecord) throws {
        let key = keys[record.call] ?? record.id?.description ?? CallKey.local(record.call)
        let row = CallDetailRecord(
            callId: key, direction: record.direction.rawValue, remoteNumber: record.remote.phone?.description,
            remoteUserID: record.remote.userID?.description,
            businessNumber: record.business.description, offeredAt: record.offeredAt, answeredAt: record.answeredAt,
            endedAt: record.endedAt, duration: record.duration, outcome: record.outcome.rawValue,
            answeredBy: record.answerer?.journalName, endReason: record.endReason.journalName,
            quality: handset?.quality(of: record.call))
        if let closed = closing.removeValue(forKey: record.call) {
            pendingStateChanges.append((pendingEffects.count, CallStateChange(
                handle: record.call, key: closed.key, state: closed.state, direction: record.direction, remote: record.remote,
                answerer: record.answerer, at: closed.at, endReason: row.endReason, outcome: row.outcome)))
        }
        if try journal.callRecords.record(row) {
            try hubSpotLog?.callRecorded(row, at: record.endedAt)
            try permissions?.recordOutcome(of: record)
            log.notice("call recorded", ["call": key, "outcome": row.outcome, "duration_ms": "\(row.duration.milliseconds)"])
        }
    }

    private func store(_ change: SessionChange, key: String) throws {
        var session = try journal.callSessions.session(callKey: key)
        switch change {
        case let .opened(direction, remote, business, offeredAt, offerSDP, _, username):
            session = session ?? CallSessionRecord(callKey: key, direction: direction.rawValue, remoteNumber: remote.phone?.description,
                                                   remoteUserId: remote.userID?.description, remoteUsername: username,
                                                   businessNumber: business.description, offeredAt: offeredAt)
            session?.offerSDP = offerSDP
        case let .answered(answerer, answerSDP):
            session?.answerer = answerer.journalName
            if let answerSDP { session?.answerSDP = answerSDP }
        case let .remoteAnswer(sdp):
            session?.answerSDP = sdp
        }
        if let session { try journal.callSessions.upsert(session) }
    }

    // MARK: effects

    var pendingEffectCount: Int { pendingEffects.count }

    /// Whether an effect waiting for the commit will tell Meta something.
    var hasExternalEffectsPending: Bool {
        pendingEffects.contains {
            switch $0 {
            case .graph, .graphConnect: true
            default: false
            }
        }
    }

    /// Drops the effects of events whose transaction rolled back: they must not run.
    func discardPendingEffects(from index: Int = 0) {
        pendingEffects.removeSubrange(min(index, pendingEffects.count)...)
        pendingStateChanges.removeAll { $0.effectIndex >= index }
        if index == 0 {
            pendingRemoteAnswers.removeAll()
            closing.removeAll()
        }
    }

    func runPendingEffects() {
        let answers = pendingRemoteAnswers
        pendingRemoteAnswers.removeAll()
        for (handle, sdp) in answers {
            handset?.remoteAnswer(handle, sdp: sdp)
            remoteAnswers.publish((call: handle, sdp: sdp))
        }
        let changes = pendingStateChanges
        pendingStateChanges.removeAll()
        for (_, change) in changes { stateChanges.publish(change) }
        let effects = pendingEffects
        pendingEffects.removeAll()
        for effect in effects { perform(effect) }
    }

    private func perform(_ action: CallAction) {
        switch action {
        case let .graph(request):
            sendCallAction(request)
        case let .graphConnect(handle, to, _):
            sendConnect(handle, to: to)
        case let .armTimer(handle, timer):
            arm(timer, for: handle)
        case let .cancelTimer(handle, kind):
            if let id = timers.removeValue(forKey: TimerSlot(call: handle, kind: kind)) { loop.cancel(id) }
        case let .ring(handle):
            log.info("ringing", ["call": keys[handle] ?? "\(handle)"])
            router?.ring(handle)
        case let .stopRinging(handle):
            log.info("ringing stopped", ["call": keys[handle] ?? "\(handle)"])
            router?.stopRinging(handle)
            handset?.stopRinging(handle)
        case let .startMedia(handle):
            startMedia(handle)
        case let .stopMedia(handle):
            log.info("media stopped", ["call": keys[handle] ?? "\(handle)"])
            handset?.stopMedia(handle)
        case let .notify(handle, state):
            handset?.callChanged(handle, to: state)
            if state.name.isTerminal { forget(handle) }
        case let .refuse(refusal):
            log.notice("event refused", ["reason": refusal.reason.rawValue, "event": refusal.event.rawValue,
                                         "state": refusal.state.map { $0.name.rawValue } ?? "-",
                                         "call": refusal.id?.description ?? refusal.handle.map { "\($0)" } ?? "-"])
        case .journal, .record:
            break
        }
    }

    private func forget(_ handle: CallHandle) {
        router?.stopRinging(handle)
        keys[handle] = nil
        callerNames[handle] = nil
        for slot in timers.keys where slot.call == handle {
            if let id = timers.removeValue(forKey: slot) { loop.cancel(id) }
        }
    }

    private func arm(_ timer: ArmedTimer, for handle: CallHandle) {
        let slot = TimerSlot(call: handle, kind: timer.kind)
        if let existing = timers[slot] { loop.cancel(existing) }
        let delay = timer.deadline.unixMilliseconds - WallClock.milliseconds()
        timers[slot] = loop.schedule(afterMilliseconds: delay) { [weak self] in
            self?.timers[slot] = nil
            self?.handleNow(.timerFired(TimerFired(call: handle, kind: timer.kind, generation: timer.generation)))
        }
    }

    /// The box carries no audio for calls answered by a browser or through the API: their
    /// media is elsewhere, so it counts as connected once the call is. Handset media is the
    /// box's own and reports itself.
    private func startMedia(_ handle: CallHandle) {
        guard let answerer = table.slot(handle)?.answerer else { return }
        switch answerer {
        case .browser, .api:
            loop.schedule(afterMilliseconds: 0) { [weak self] in self?.handleNow(.mediaConnected(.handle(handle))) }
        case .handset:
            guard let handset else {
                log.warning("no handset on this box; the no-media guard will end the call", ["call": keys[handle] ?? "\(handle)"])
                return
            }
            handset.startMedia(handle)
        }
    }

    private func sendCallAction(_ request: CallCore.GraphRequest) {
        let callID = request.call.description
        let wire: WhatsApp.GraphRequest
        switch request.action {
        case .preAccept, .accept:
            guard let sdp = (try? journal.callSessions.session(callKey: callID))??.answerSDP else {
                log.error("no answer SDP stored for the call", ["call": callID])
                loop.schedule(afterMilliseconds: 0) { [weak self] in
                    self?.handleNow(.graphOutcome(GraphOutcome(call: request.call, action: request.action, failure: .invalidSDP)))
                }
                return
            }
            wire = request.action == .preAccept
                ? .preAccept(number, callID: callID, answerSDP: sdp)
                : .accept(number, callID: callID, answerSDP: sdp)
        case .reject:
            wire = .reject(number, callID: callID)
        case .terminate:
            wire = .terminate(number, callID: callID)
        }
        log.info("graph \(request.action.wireName)", ["call": callID])
        graph.perform(wire) { [weak self] result in
            var failure: GraphFailure?
            if case let .failure(error) = result {
                failure = Self.failure(from: error)
                self?.log.warning("graph \(request.action.wireName) failed", ["call": callID, "error": "\(error)"])
            }
            self?.handleNow(.graphOutcome(GraphOutcome(call: request.call, action: request.action, failure: failure)))
        }
    }

    private func sendConnect(_ handle: CallHandle, to: WhatsAppUser) {
        let key = keys[handle] ?? CallKey.local(handle)
        guard let sdp = (try? journal.callSessions.session(callKey: key))??.offerSDP else {
            log.error("no offer SDP stored for the outbound call", ["call": key])
            loop.schedule(afterMilliseconds: 0) { [weak self] in self?.handleNow(.connectFailed(handle, .invalidSDP)) }
            return
        }
        log.info("graph connect", ["call": key, "to": to.description])
        graph.connect(.connect(number, to: to, offerSDP: sdp)) { [weak self] result in
            switch result {
            case let .success(id):
                guard let callID = CallId(id) else {
                    self?.log.error("Graph returned an unusable call id", ["call": key])
                    self?.handleNow(.connectFailed(handle, .ambiguous))
                    return
                }
                self?.handleNow(.connectSucceeded(handle, callID))
            case let .failure(error):
                self?.log.warning("graph connect failed", ["call": key, "error": "\(error)"])
                // Meta knows of no permission the ledger believed in: reconcile, so the next dial is refused here.
                if case let .graph(graphError) = error, graphError.kind == .noPermission {
                    self?.permissions?.validate(to) { _ in }
                }
                self?.handleNow(.connectFailed(handle, Self.failure(from: error)))
            }
        }
    }

    static func failure(from error: GraphRequestFailure) -> GraphFailure {
        switch error {
        case let .graph(graphError):
            switch graphError.kind {
            case .auth: return .auth
            case .rateLimited: return .rateLimited
            case .noPermission: return .noPermission
            case .invalidSDP: return .invalidSDP
            case .duplicateCall: return .duplicateCall
            case .callNotFound: return .alreadyEnded
            case .malformedResponse: return .ambiguous
            case .permissionRequestLimit, .windowClosed, .other: return .other(code: Int32(clamping: graphError.code ?? 0))
            }
        case .transport: return .ambiguous
        }
    }
}
