/// Who an incoming call rings, and when, counted from its first ring (DESIGN §2, issue 4
/// item 7): the contact owner's widgets alone for `owner_first`, then every signed-in
/// agent's; with no owner to favour, everyone at once. The desk handset follows
/// `[routing] handset`. Pure: decided once per call from what is known when it rings.
public struct RingPlan: Hashable, Sendable, CustomStringConvertible {
    public var reason: RingReason
    /// The agent whose widgets ring alone first; nil when nobody has a head start.
    public var ownerAgent: String?
    /// When every signed-in agent's widgets ring.
    public var everyoneAfter: TimeSpan
    /// When the desk handset rings; nil when it does not ring for this call.
    public var handsetAfter: TimeSpan?

    public init(reason: RingReason, ownerAgent: String?, everyoneAfter: TimeSpan, handsetAfter: TimeSpan?) {
        self.reason = reason
        self.ownerAgent = ownerAgent
        self.everyoneAfter = everyoneAfter
        self.handsetAfter = handsetAfter
    }

    /// - Parameters:
    ///   - signedIn: the agents (by `[agent NAME]`) with a widget session now.
    ///   - ownerFirst: `[routing] owner_first`, the owner's head start.
    public static func decide(owner: CallerOwner, signedIn: Set<String>, handset: HandsetRouting,
                              ownerFirst: TimeSpan) -> RingPlan {
        let reason: RingReason
        var ownerAgent: String?
        switch owner {
        case .lookupOff: reason = .noContactLookup
        case .lookupTimedOut: reason = .contactLookupTimedOut
        case .lookupFailed: reason = .contactLookupFailed
        case .noContact: reason = .noContactMatch
        case .noOwner: reason = .noOwnerMatch(ownerID: nil)
        case let .ownerNotAnAgent(id): reason = .noOwnerMatch(ownerID: id)
        case let .agent(name) where signedIn.contains(name):
            reason = .ownerFirst(agent: name)
            ownerAgent = name
        case let .agent(name): reason = .ownerNotSignedIn(agent: name)
        }
        let everyoneAfter = ownerAgent == nil ? TimeSpan.zero : ownerFirst
        let handsetAfter: TimeSpan? = switch handset {
        case .always: everyoneAfter
        case .fallback: signedIn.isEmpty ? .zero : nil
        case .never: nil
        }
        return RingPlan(reason: reason, ownerAgent: ownerAgent, everyoneAfter: everyoneAfter, handsetAfter: handsetAfter)
    }

    /// `ana first, everyone +15s, handset +15s`; `everyone now, handset never`.
    public var description: String {
        func at(_ span: TimeSpan?) -> String {
            guard let span else { return "never" }
            return span == .zero ? "now" : "+\(span)"
        }
        return (ownerAgent.map { "\($0) first, " } ?? "") + "everyone \(at(everyoneAfter)), handset \(at(handsetAfter))"
    }
}

/// Why a call rings the way its plan says; journaled with the plan.
public enum RingReason: Hashable, Sendable, CustomStringConvertible {
    /// The contact's owner is a signed-in agent: their widgets ring first.
    case ownerFirst(agent: String)
    /// The owner is an agent without a widget session: everyone at once.
    case ownerNotSignedIn(agent: String)
    /// The contact has no owner (nil), or one who is no configured agent.
    case noOwnerMatch(ownerID: String?)
    case noContactMatch
    /// No CRM configured.
    case noContactLookup
    case contactLookupTimedOut
    case contactLookupFailed

    /// `owner_first(agent=ana)`, `no_owner_match(owner=77)`, `no_contact_match`.
    public var description: String {
        switch self {
        case let .ownerFirst(agent): "owner_first(agent=\(agent))"
        case let .ownerNotSignedIn(agent): "owner_not_signed_in(agent=\(agent))"
        case let .noOwnerMatch(id?): "no_owner_match(owner=\(id))"
        case .noOwnerMatch(nil): "no_owner_match(contact_has_no_owner)"
        case .noContactMatch: "no_contact_match"
        case .noContactLookup: "no_contact_lookup"
        case .contactLookupTimedOut: "contact_lookup_timed_out"
        case .contactLookupFailed: "contact_lookup_failed"
        }
    }
}
