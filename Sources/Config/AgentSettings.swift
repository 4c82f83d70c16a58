/// `[agent NAME]`: someone who signs in to the widget.
public struct AgentSettings: Hashable, Sendable {
    /// The NAME in the section header.
    public var name: String
    /// Login name, lowercased.
    public var email: String
    public var passwordHash: PasswordHash
    /// Their HubSpot owner id, so calls from their contacts ring them first.
    public var hubspotOwnerID: String?

    static func read(_ reader: inout SectionReader) -> AgentSettings? {
        let email = reader.value("email", EmailAddress.parse)
        let hash = reader.value("password_hash", PasswordHash.parse)
        let owner = reader.value("hubspot_owner_id", IntegerValue.identifier)
        guard let name = reader.argument, let email, let hash else { return nil }
        return AgentSettings(name: name, email: email, passwordHash: hash, hubspotOwnerID: owner)
    }
}
