import CallCore
import HubSpot
import Journal
import Runtime

/// Turns what happens to calls into the widgets' live events: `call.incoming` to each agent
/// when the call's ring plan rings them (the owner first, everyone else after
/// `owner_first`), `call.state` to everyone on every change, `call.answer_sdp` to the agent
/// who placed an outbound browser call.
final class CallEventFeed {
    private let hub: EventHub
    private let calls: CallController
    private let journal: Journal
    private let loop: EventLoop
    /// `[agent NAME]`s in config order: `Answerer.browser(agent:)` is an index into it.
    private let agentNames: [String]
    private let ringTimeout: TimeSpan
    /// The everyone-else `call.incoming` waiting for the owner's head start to pass.
    private var headStarts: [CallHandle: EventLoop.TimerID] = [:]
    /// The matched contact of each live inbound call.
    private(set) var contacts: [CallHandle: ContactMatch] = [:]

    init(hub: EventHub, calls: CallController, journal: Journal, loop: EventLoop, agentNames: [String], ringTimeout: TimeSpan) {
        self.hub = hub
        self.calls = calls
        self.journal = journal
        self.loop = loop
        self.agentNames = agentNames
        self.ringTimeout = ringTimeout
        calls.stateChanges.subscribe { [weak self] in self?.stateChanged($0) }
        calls.remoteAnswers.subscribe { [weak self] in self?.remoteAnswer($0.call, sdp: $0.sdp) }
    }

    func agentName(of answerer: Answerer?) -> String? {
        guard case let .browser(index)? = answerer, Int(index) < agentNames.count else { return nil }
        return agentNames[Int(index)]
    }

    func answererName(_ answerer: Answerer?) -> JSONValue {
        switch answerer {
        case .handset?: "handset"
        case .browser?: "browser"
        case .api?: "api"
        case nil: .null
        }
    }

    static func contactJSON(_ contact: ContactMatch?) -> JSONValue {
        guard let contact else { return .null }
        return ["id": .string(contact.id), "name": contact.name.map(JSONValue.string) ?? .null]
    }

    /// The router decided who the call rings.
    func routed(_ call: CallHandle, schedule: RingSchedule, contact: ContactMatch?) {
        contacts[call] = contact
        let plan = schedule.plan
        guard let owner = plan.ownerAgent, plan.everyoneAfter > .zero else {
            publishIncoming(call, schedule: schedule, ringsAt: schedule.decidedAt, to: .everyone)
            return
        }
        publishIncoming(call, schedule: schedule, ringsAt: schedule.decidedAt, to: .agent(owner))
        headStarts[call] = loop.schedule(afterMilliseconds: plan.everyoneAfter.milliseconds) { [weak self] in
            guard let self, self.headStarts.removeValue(forKey: call) != nil else { return }
            self.publishIncoming(call, schedule: schedule, ringsAt: schedule.decidedAt + plan.everyoneAfter, to: .everyoneBut(owner))
        }
    }

    private func publishIncoming(_ call: CallHandle, schedule: RingSchedule, ringsAt: Instant, to audience: LiveEvent.Audience) {
        guard let slot = calls.table.slot(call), slot.state.name == .ringing, let key = calls.key(of: call) else { return }
        let session = (try? journal.callSessions.session(callKey: key)) ?? nil
        let offer = session?.offerSDP
        let contact = contacts[call]
        hub.publish("call.incoming", [
            "call": .string(key), "from": .string(slot.remote.description),
            "user_id": slot.remote.userID.map { .string($0.description) } ?? .null,
            "username": session?.remoteUsername.map(JSONValue.string) ?? .null,
            "caller_name": (contact?.name ?? calls.callerNames[call]).map(JSONValue.string) ?? .null,
            "contact": Self.contactJSON(contact),
            "offer_sdp": offer.map(JSONValue.string) ?? .null, "ring_reason": .string(schedule.plan.reason.description),
            "rings_at_ms": .integer(ringsAt.unixMilliseconds),
            "expires_at_ms": .integer((slot.offeredAt + ringTimeout).unixMilliseconds),
        ], to: audience)
    }

    func stateChanged(_ change: CallStateChange) {
        if change.state != .ringing, let timer = headStarts.removeValue(forKey: change.handle) { loop.cancel(timer) }
        if change.state.isTerminal { contacts[change.handle] = nil }
        // Meta's own words for why a call failed, once it has ended (spec §11.3).
        let errors = change.state.isTerminal ? Self.metaErrors((try? journal.callReports.errors(callID: change.key)) ?? []) : .null
        hub.publish("call.state", [
            "call": .string(change.key), "state": .string(change.state.rawValue), "direction": .string(change.direction.rawValue),
            "remote": .string(change.remote.description), "meta_errors": errors, "answered_by": answererName(change.answerer),
            "agent": agentName(of: change.answerer).map(JSONValue.string) ?? .null, "at_ms": .integer(change.at.unixMilliseconds),
            "outcome": change.outcome.map(JSONValue.string) ?? .null, "end_reason": change.endReason.map(JSONValue.string) ?? .null,
        ])
    }

    /// What agents read of Meta's errors: its most specific words and the code.
    static func metaErrors(_ rows: [CallReports.MetaErrorRow]) -> JSONValue {
        var seen: Set<String> = []
        return .array(rows.map(\.text).filter { seen.insert($0).inserted }.map(JSONValue.string))
    }

    /// Meta answered an outbound call: the agent whose browser placed it applies the SDP.
    func remoteAnswer(_ call: CallHandle, sdp: String) {
        guard let agent = agentName(of: calls.table.slot(call)?.answerer), let key = calls.key(of: call) else { return }
        hub.publish("call.answer_sdp", ["call": .string(key), "sdp": .string(sdp)], to: .agent(agent))
    }
}
