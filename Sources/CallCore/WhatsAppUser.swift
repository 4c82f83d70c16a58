/// The WhatsApp user at the far end of a call: their phone when Meta gave it, their BSUID when
/// Meta gave that, or both. Since 2026 a user with a username may come with no phone at all
/// (spec §11.4), so neither is required, but one is: a call is always with someone.
public struct WhatsAppUser: Hashable, Sendable, CustomStringConvertible {
    public let phone: PhoneNumber?
    public let userID: BSUID?

    public init?(phone: PhoneNumber?, userID: BSUID?) {
        guard phone != nil || userID != nil else { return nil }
        self.phone = phone
        self.userID = userID
    }

    public init(phone: PhoneNumber) {
        self.phone = phone
        userID = nil
    }

    public init(userID: BSUID) {
        phone = nil
        self.userID = userID
    }

    /// From a webhook's fields: `phone` as Meta wrote it (digits), `userID` verbatim. A `phone`
    /// that is no phone number (captures pasted publicly mask digits: `91********`) is kept as
    /// the user's id when Meta gave no BSUID, so the call still rings and is keyed by what Meta sent.
    public init?(phoneText: String?, userIDText: String?) {
        let phone = phoneText.flatMap(PhoneNumber.init)
        let userID = userIDText.flatMap(BSUID.init) ?? (phone == nil ? phoneText.flatMap(BSUID.init) : nil)
        self.init(phone: phone, userID: userID)
    }

    /// What an agent or a script names a user by: a phone as people type it (`+34 600 111 222`),
    /// or a BSUID (`US.13491208655302741918`, spec §11.4) for a user without a known phone.
    public init?(address text: String) {
        if let phone = PhoneNumber(text) {
            self.init(phone: phone)
        } else if let dot = text.utf8.firstIndex(of: UInt8(ascii: ".")), dot != text.utf8.startIndex, let id = BSUID(text) {
            self.init(userID: id)
        } else {
            return nil
        }
    }

    /// How logs and screens name the user when nothing better is known: the phone, else the id.
    public var description: String { phone?.description ?? userID?.description ?? "" }

    /// The key the box files this user under (comms log, permissions): the BSUID first, so the
    /// user keeps one key when the phone disappears (spec §9), else the phone.
    public var key: String { userID?.description ?? phone?.description ?? "" }
}
