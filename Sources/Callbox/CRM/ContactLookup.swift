import HubSpot

/// What looking a phone number up in HubSpot found.
enum ContactLookup: Equatable {
    case match(ContactMatch)
    /// HubSpot has no contact with this number, or no CRM is configured.
    case noMatch
    /// HubSpot could not say (an error, its rate limit, too many lookups at once).
    case unavailable(String)

    var contact: ContactMatch? {
        if case let .match(contact) = self { return contact }
        return nil
    }
}
