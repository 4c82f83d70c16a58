/// Where an event came from inside a delivery: the change it was found in. Route on
/// `phoneNumberID`, not the display number (spec §1.4).
public struct WebhookSource: Sendable, Equatable {
    /// `entry[].id`: the WhatsApp Business Account.
    public var businessAccountID: String
    /// `changes[].field`: `calls`, `messages`, `account_update`, …
    public var field: String
    public var phoneNumberID: String?
    public var displayPhoneNumber: String?

    public init(businessAccountID: String, field: String, phoneNumberID: String? = nil, displayPhoneNumber: String? = nil) {
        self.businessAccountID = businessAccountID
        self.field = field
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
    }
}
