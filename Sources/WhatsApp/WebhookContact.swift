/// A WhatsApp user as `value.contacts[]` describes them. Since 2026 the phone (`wa_id`) may
/// be absent while the business-scoped user id is present (spec §9), so both are optional.
public struct WebhookContact: Sendable, Equatable {
    public var waID: String?
    /// Business-scoped user id (BSUID), e.g. `GB.13491208655302741918`.
    public var userID: String?
    /// Parent BSUID (`CC.ENT.…`) for linked business portfolios (spec §11.4).
    public var parentUserID: String?
    public var name: String?
    public var username: String?
    public var countryCode: String?

    public init(waID: String? = nil, userID: String? = nil, parentUserID: String? = nil, name: String? = nil,
                username: String? = nil, countryCode: String? = nil) {
        self.waID = waID
        self.userID = userID
        self.parentUserID = parentUserID
        self.name = name
        self.username = username
        self.countryCode = countryCode
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> WebhookContact {
        let contact = try reader.object()
        let profile = try contact["profile"].optionalObject()
        return WebhookContact(
            waID: try contact["wa_id"].optionalPhone(),
            userID: try contact["user_id"].optionalString(),
            parentUserID: try contact["parent_user_id"].optionalString(),
            name: try profile?["name"].optionalString(),
            username: try profile?["username"].optionalString(),
            countryCode: try contact["country_code"].optionalString())
    }

    /// The contact describing the user with this phone or BSUID; a lone contact is taken as
    /// the user when the item names neither (Meta sends one contact per user event).
    static func match(in contacts: [WebhookContact], phone: String?, userID: String?) -> WebhookContact? {
        if let userID, let found = contacts.first(where: { $0.userID == userID }) { return found }
        if let phone, let found = contacts.first(where: { $0.waID == phone }) { return found }
        return contacts.count == 1 ? contacts[0] : nil
    }
}
