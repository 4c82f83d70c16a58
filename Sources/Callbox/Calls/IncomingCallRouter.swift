import CallCore
import Config
import HubSpot
import Journal
import Runtime

/// Decides who an incoming call rings when it starts ringing (issue 4 item 7): it asks the
/// contact directory who the caller is, turns the contact's owner into an agent, computes
/// the `RingPlan`, journals it as a `routed` row in the call journal, rings the desk handset
/// when the plan says, and keeps the plan as the call's `RingSchedule` for the widgets.
final class IncomingCallRouter {
    /// How long a ringing call waits for HubSpot to name the caller before it is routed as
    /// if nobody matched: Meta gives the business 30–60 s to answer (specs/whatsapp-cloud-api.md,
    /// "Rules and timing"), so the lookup may take a second of it and no more.
    static let contactWaitMilliseconds: Int64 = 1_000

    private let directory: ContactDirectory
    /// `hubspot_owner_id` → `[agent NAME]`; the first agent in the file wins a shared id.
    private let agentsByOwner: [String: String]
    private let ownerFirst: TimeSpan
    private let handsetRouting: HandsetRouting
    private let journal: Journal
    private let loop: EventLoop
    private unowned let calls: CallController
    /// The desk handset; nil on a box without one.
    weak var handset: CallMediaHandler?
    /// The agents (by `[agent NAME]`) whose widget is listening now (an open event stream).
    private let signedInAgents: () -> Set<String>
    /// The plan is decided and journaled: the widgets' `call.incoming` follows it.
    let routed = Broadcast<(call: CallHandle, schedule: RingSchedule, contact: ContactMatch?)>()
    /// Calls whose contact lookup is outstanding, with the timer that stops the wait.
    private var waiting: [CallHandle: EventLoop.TimerID?] = [:]
    private var handsetTimers: [CallHandle: EventLoop.TimerID] = [:]
    /// The plan of every call still ringing.
    private(set) var schedules: [CallHandle: RingSchedule] = [:]
    private let log = Logger("routing")

    /// - Parameters:
    ///   - ownerFirst: `[routing] owner_first`; `handset`: `[routing] handset`.
    init(directory: ContactDirectory, agentsByOwner: [String: String], ownerFirst: TimeSpan, handset: HandsetRouting,
         journal: Journal, calls: CallController, loop: EventLoop, signedInAgents: @escaping () -> Set<String> = { [] }) {
        self.directory = directory
        self.signedInAgents = signedInAgents
        self.agentsByOwner = agentsByOwner
        self.ownerFirst = ownerFirst
        handsetRouting = handset
        self.journal = journal
        self.calls = calls
        self.loop = loop
    }

    /// `hubspot_owner_id` → agent name for the configured agents.
    static func agentsByOwner(_ agents: [AgentSettings]) -> [String: String] {
        var owners: [String: String] = [:]
        for agent in agents {
            if let owner = agent.hubspotOwnerID, owners[owner] == nil { owners[owner] = agent.name }
        }
        return owners
    }

    /// The call started ringing (the state machine's `.ring`, also after a restart).
    func ring(_ call: CallHandle) {
        guard let slot = calls.table.slot(call), slot.direction == .inbound, waiting[call] == nil, schedules[call] == nil else {
            return
        }
        guard directory.isActive else {
            route(call, owner: .lookupOff, contact: nil)
            return
        }
        // HubSpot contacts are found by phone; a username user without one matches none.
        guard let phone = slot.remote.phone else {
            route(call, owner: .noContact, contact: nil)
            return
        }
        waiting[call] = .some(nil)
        directory.lookup(phone) { [weak self] result in
            guard let self, self.waiting[call] != nil else { return }
            self.route(call, owner: self.owner(from: result), contact: result.contact)
        }
        guard waiting[call] != nil else { return }
        waiting[call] = loop.schedule(afterMilliseconds: Self.contactWaitMilliseconds) { [weak self] in
            guard let self, self.waiting[call] != nil else { return }
            self.route(call, owner: .lookupTimedOut, contact: nil)
        }
    }

    /// The call stopped ringing: answered, missed, rejected or ended.
    func stopRinging(_ call: CallHandle) {
        if let timer = waiting.removeValue(forKey: call) ?? nil { loop.cancel(timer) }
        if let timer = handsetTimers.removeValue(forKey: call) { loop.cancel(timer) }
        schedules[call] = nil
    }

    private func owner(from lookup: ContactLookup) -> CallerOwner {
        switch lookup {
        case .unavailable: return .lookupFailed
        case .noMatch: return .noContact
        case let .match(contact):
            guard let owner = contact.ownerID else { return .noOwner }
            return agentsByOwner[owner].map { .agent($0) } ?? .ownerNotAnAgent(ownerID: owner)
        }
    }

    private func route(_ call: CallHandle, owner: CallerOwner, contact: ContactMatch?) {
        if let timer = waiting.removeValue(forKey: call) ?? nil { loop.cancel(timer) }
        guard let slot = calls.table.slot(call), case .ringing = slot.state, let key = calls.key(of: call) else { return }
        let plan = RingPlan.decide(owner: owner, signedIn: signedInAgents(), handset: handsetRouting, ownerFirst: ownerFirst)
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        let schedule = RingSchedule(plan: plan, decidedAt: now, contactID: contact?.id)
        schedules[call] = schedule
        let detail = "\(plan.reason); \(plan)" + (contact.map { "; contact \($0.id)" } ?? "")
        do {
            try journal.callJournal.appendTransition(callKey: key, at: now, from: slot.state.name.rawValue,
                                                     to: slot.state.name.rawValue, event: "routed", detail: detail)
        } catch {
            log.error("cannot journal the routing decision; ringing anyway", ["call": key, "error": "\(error)"])
        }
        log.info("call routed", ["call": key, "reason": plan.reason.description, "plan": plan.description])
        routed.publish((call: call, schedule: schedule, contact: contact))
        guard let after = plan.handsetAfter else { return }
        if after == .zero {
            handset?.ring(call)
            return
        }
        handsetTimers[call] = loop.schedule(afterMilliseconds: after.milliseconds) { [weak self] in
            guard let self, self.handsetTimers.removeValue(forKey: call) != nil else { return }
            self.handset?.ring(call)
        }
    }
}
