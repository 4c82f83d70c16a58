/// The HubSpot contact a phone number belongs to, with what routing and logging need.
public struct ContactMatch: Equatable, Hashable, Sendable {
    /// The contact's object id (`hs_object_id`), digits only.
    public var id: String
    /// First and last name joined; nil when the contact has neither.
    public var name: String?
    /// `hubspot_owner_id`: the owner whose agent rings first (spec §9.5).
    public var ownerID: String?

    public init(id: String, name: String?, ownerID: String?) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
    }
}
