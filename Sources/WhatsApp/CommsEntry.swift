import CallCore
import Runtime

/// One line of the communications log as the WhatsApp side describes it: what a message says,
/// reduced to text a person reads in a contact's timeline (spec §7). Pure; the journal stores
/// it as a `CommsRecord`.
public struct CommsEntry: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case inbound
        case outbound
    }

    /// `wamid.…`: one entry per message, however often Meta delivers it.
    public var wamid: String
    public var direction: Direction
    /// The business-scoped user id when known, else the normalised phone (spec §9): the
    /// same person keeps one key once Meta starts sending BSUIDs. A message naming neither
    /// (never seen, but both are optional) is keyed by its own wamid rather than dropped.
    public var contactKey: String
    public var phone: String?
    /// The message `type` as sent (`text`, `image`, `interactive`, …).
    public var type: String
    public var body: String?
    public var mimeType: String?
    public var caption: String?
    public var fileName: String?
    public var errorCode: Int64?
    public var errorText: String?
    public var sentAt: Instant
    /// The type's own JSON, for types whose text loses detail (contacts, orders, unknown).
    public var raw: [UInt8]?

    public init(wamid: String, direction: Direction, contactKey: String, phone: String?, type: String, body: String?,
                mimeType: String? = nil, caption: String? = nil, fileName: String? = nil, errorCode: Int64? = nil,
                errorText: String? = nil, sentAt: Instant, raw: [UInt8]? = nil) {
        self.wamid = wamid
        self.direction = direction
        self.contactKey = contactKey
        self.phone = phone
        self.type = type
        self.body = body
        self.mimeType = mimeType
        self.caption = caption
        self.fileName = fileName
        self.errorCode = errorCode
        self.errorText = errorText
        self.sentAt = sentAt
        self.raw = raw
    }

    /// What an inbound message logs as.
    public init(inbound message: InboundMessage) {
        let phone = Self.normalisedPhone(message.from ?? message.contact?.waID)
        let userID = message.fromUserID ?? message.contact?.userID
        self.init(wamid: message.id, direction: .inbound, contactKey: Self.contactKey(userID: userID, phone: phone) ?? message.id,
                  phone: phone, type: message.type, body: nil, sentAt: Instant(unixSeconds: message.timestamp))
        if let error = message.errors.first {
            errorCode = error.code
            errorText = error.title ?? error.message
        }
        switch message.content {
        case .text(let text):
            body = text
        case .interactive(let reply):
            (body, raw) = Self.describe(reply)
        case .button(let payload, let text):
            body = text ?? payload
        case .media(let media) where message.isVoicemail:
            // Spec §11.2: the audio a caller left, under the call's own wacid.
            body = "Voicemail received"
            type = "voicemail"
            mimeType = media.mimeType
        case .media(let media):
            body = "Media message received"
            type = media.kind
            mimeType = media.mimeType
            caption = media.caption
            fileName = media.filename
        case .location(let location):
            body = Self.describe(location)
        case .contacts(let cards):
            let names = cards.map { $0.formattedName ?? $0.phones.first?.phone ?? "unnamed" }
            body = (names.count == 1 ? "Contact: " : "Contacts: ") + names.joined(separator: ", ")
            raw = JSONWriter.encode(.array(cards.map(\.card)))
        case .reaction(let messageID, let emoji):
            body = emoji.map { "Reacted \($0) to \(messageID)" } ?? "Removed a reaction"
        case .unsupported(let kind):
            body = "Unsupported message" + (kind.map { " (\($0))" } ?? "")
        case .system(let text, let kind, _):
            body = text ?? "System message" + (kind.map { " (\($0))" } ?? "")
        case .raw(let payload):
            body = "Received a \(message.type) message"
            raw = JSONWriter.encode(payload)
        }
        // Meta puts the reason a message could not be shown in its errors (spec §7.1).
        if let code = errorCode {
            body = (body.map { $0 + ": " } ?? "") + "error \(code)" + (errorText.map { " \($0)" } ?? "")
        }
    }

    /// A text we sent, once Graph answered with its wamid (spec §7.3).
    public static func outboundText(to phone: String?, userID: String? = nil, body: String, wamid: String, at sentAt: Instant) -> CommsEntry {
        let normalised = normalisedPhone(phone)
        return CommsEntry(wamid: wamid, direction: .outbound, contactKey: contactKey(userID: userID, phone: normalised) ?? wamid,
                          phone: normalised, type: "text", body: body, sentAt: sentAt)
    }

    /// BSUID first, so a user who hides their number later keeps the same timeline (spec §9).
    public static func contactKey(userID: String?, phone: String?) -> String? {
        if let userID, !userID.isEmpty { return userID }
        if let phone = normalisedPhone(phone) { return phone }
        return nil
    }

    /// Digits only, international form without `+` or a `00` prefix, as `wa_id` has it:
    /// `+34 600-111 222`, `0034600111222` and `(34) 600 111 222` are all `34600111222`.
    /// Nil when nothing but punctuation is left, or a character other than a digit or the
    /// separators people type appears.
    public static func normalisedPhone(_ text: String?) -> String? {
        guard let text else { return nil }
        var digits = ""
        for character in text {
            switch character {
            case "0"..."9": digits.append(character)
            case "+", " ", "-", "(", ")", ".", "\t": continue
            default: return nil
            }
        }
        if digits.hasPrefix("00") { digits.removeFirst(2) }
        return digits.isEmpty ? nil : digits
    }

    private static func describe(_ reply: InteractiveReply) -> (String, [UInt8]?) {
        switch reply {
        case .buttonReply(let id, let title):
            return (title ?? id, nil)
        case .listReply(let id, let title, _):
            return (title ?? id, nil)
        case .flowReply(let name, let body, let responseJSON):
            return (body ?? name ?? "Flow reply", responseJSON.map { Array($0.utf8) })
        case .callPermissionReply(let permission):
            return ("Call permission: " + describe(permission), nil)
        case .other(let type, let payload):
            return ("Interactive reply (\(type))", JSONWriter.encode(payload))
        }
    }

    private static func describe(_ permission: CallPermissionReply) -> String {
        guard permission.response == .accept else { return "rejected" }
        let how = permission.responseSource == .automatic ? ", by calling us" : ""
        if permission.isPermanent { return "accepted (permanent\(how))" }
        guard let expiry = permission.expirationTimestamp else { return "accepted (temporary\(how))" }
        return "accepted (temporary until \(UTCTimeText.minute(unixSeconds: expiry))\(how))"
    }

    private static func describe(_ location: Location) -> String {
        let place = [location.name, location.address].compactMap { $0?.isEmpty == false ? $0 : nil }
        let point = "(\(location.latitude), \(location.longitude))"
        return "Location: " + (place.isEmpty ? point : place.joined(separator: ", ") + " " + point)
    }
}

/// `2026-01-08 00:15 UTC` without Foundation: days to civil date after Howard Hinnant's
/// `civil_from_days`.
enum UTCTimeText {
    static func minute(unixSeconds: Int64) -> String {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondOfDay = unixSeconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(year)-\(twoDigits(month))-\(twoDigits(day)) \(twoDigits(secondOfDay / 3_600)):\(twoDigits(secondOfDay % 3_600 / 60)) UTC"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
