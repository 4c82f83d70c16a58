/// What the contact lookup said about an incoming call's caller, as routing needs it.
public enum CallerOwner: Hashable, Sendable {
    /// No CRM is configured, so nobody was asked.
    case lookupOff
    /// The CRM did not answer within the wait an incoming call allows.
    case lookupTimedOut
    /// The CRM answered with an error.
    case lookupFailed
    /// No contact has this number.
    case noContact
    /// A contact has it but no owner.
    case noOwner
    /// The contact's owner is nobody configured as an `[agent NAME]`.
    case ownerNotAnAgent(ownerID: String)
    /// The contact's owner is this agent.
    case agent(String)
}
