import CallCore

/// A row of the communications log: one WhatsApp message in or out, keyed by its wamid.
public struct CommsRecord: Equatable, Sendable {
    /// The row id, the paging cursor; nil until stored.
    public var id: Int64?
    public var wamid: String
    /// `inbound` or `outbound`.
    public var direction: String
    public var contactKey: String
    public var phone: String?
    public var hubspotContactID: String?
    public var type: String
    public var body: String?
    public var mimeType: String?
    public var caption: String?
    public var fileName: String?
    /// Inbound rows are `received`; outbound rows carry the best delivery status so far.
    public var status: String?
    /// When Meta says the current status happened.
    public var statusAt: Instant?
    public var errorCode: Int64?
    public var errorText: String?
    public var sentAt: Instant
    public var updatedAt: Instant
    public var raw: [UInt8]?

    public init(id: Int64? = nil, wamid: String, direction: String, contactKey: String, phone: String?,
                hubspotContactID: String? = nil, type: String, body: String?, mimeType: String? = nil,
                caption: String? = nil, fileName: String? = nil, status: String? = nil, statusAt: Instant? = nil,
                errorCode: Int64? = nil, errorText: String? = nil, sentAt: Instant, updatedAt: Instant, raw: [UInt8]? = nil) {
        self.id = id
        self.wamid = wamid
        self.direction = direction
        self.contactKey = contactKey
        self.phone = phone
        self.hubspotContactID = hubspotContactID
        self.type = type
        self.body = body
        self.mimeType = mimeType
        self.caption = caption
        self.fileName = fileName
        self.status = status
        self.statusAt = statusAt
        self.errorCode = errorCode
        self.errorText = errorText
        self.sentAt = sentAt
        self.updatedAt = updatedAt
        self.raw = raw
    }
}

/// Delivery statuses of an outbound message in the order they can only move (spec §7.2).
/// Meta may deliver them in any order, so a status is applied only when it ranks higher than
/// the one stored. `played` (a voice note's first play) follows `read`. `failed` is final:
/// Meta sends nothing after it for the same message, so a late `sent` must not hide the error.
/// Statuses this build does not know rank lowest and only fill an empty status.
enum CommsStatusRank {
    static func rank(_ status: String?) -> Int {
        switch status {
        case nil: 0
        case "sent": 2
        case "delivered": 3
        case "read": 4
        case "played": 5
        case "failed": 6
        default: 1
        }
    }
}
