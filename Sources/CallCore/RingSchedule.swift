/// A ringing call's plan pinned to the moment it was decided: what the widgets' incoming
/// screen asks while the call rings ("should this agent's widget ring now?").
public struct RingSchedule: Hashable, Sendable {
    public var plan: RingPlan
    /// Wall-clock time the plan was decided, from which its delays count.
    public var decidedAt: Instant
    /// The matched HubSpot contact's id, if any.
    public var contactID: String?

    public init(plan: RingPlan, decidedAt: Instant, contactID: String?) {
        self.plan = plan
        self.decidedAt = decidedAt
        self.contactID = contactID
    }

    /// Whether `agent`'s widgets ring at `now`: the owner's from the start, everyone's once
    /// the owner's head start is over.
    public func rings(agent: String, at now: Instant) -> Bool {
        plan.ownerAgent == agent || now >= decidedAt + plan.everyoneAfter
    }

    /// When `agent`'s widgets start ringing.
    public func ringsFrom(agent: String) -> Instant {
        plan.ownerAgent == agent ? decidedAt : decidedAt + plan.everyoneAfter
    }
}
