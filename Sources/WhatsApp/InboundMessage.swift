import Runtime

/// A `messages[]` item of a `messages` webhook (spec §7.1): something a WhatsApp user sent us,
/// including call permission replies (§4.3).
public struct InboundMessage: Sendable, Equatable {
    public var source: WebhookSource
    /// `wamid.…`
    public var id: String
    /// The user's phone digits; conditional once usernames are live (spec §9).
    public var from: String?
    public var fromUserID: String?
    public var fromParentUserID: String?
    public var timestamp: Int64
    /// `type` as sent, also for types this model keeps raw.
    public var type: String
    public var context: MessageContext?
    public var contact: WebhookContact?
    public var errors: [MetaError]
    public var content: MessageContent

    public init(source: WebhookSource, id: String, from: String?, fromUserID: String? = nil, fromParentUserID: String? = nil,
                timestamp: Int64, type: String, context: MessageContext? = nil, contact: WebhookContact? = nil,
                errors: [MetaError] = [], content: MessageContent) {
        self.source = source
        self.id = id
        self.from = from
        self.fromUserID = fromUserID
        self.fromParentUserID = fromParentUserID
        self.timestamp = timestamp
        self.type = type
        self.context = context
        self.contact = contact
        self.errors = errors
        self.content = content
    }

    /// Spec §1.3: messages deduplicate on their wamid. A voicemail's id is the call's wacid
    /// (spec §11.2), so the key names the message, never the call's own events.
    public var dedupKey: String { "message:\(id)" }

    /// A voicemail left on a call: audio whose id is the call's `wacid` (spec §11.2).
    public var isVoicemail: Bool { id.hasPrefix("wacid.") }

    /// The payload objects Meta names by type; one of them tells the type when `type` is
    /// missing, as in Meta's own permission-reply samples (spec §11.8).
    static let payloadTypes = ["interactive", "text", "button", "image", "video", "audio", "document", "sticker",
                               "location", "contacts", "reaction", "unsupported", "system", "order", "edit", "revoke",
                               "request_welcome"]

    static func decode(_ reader: FieldReader, source: WebhookSource, contacts: [WebhookContact]) throws(WebhookDecodeError) -> InboundMessage {
        let message = try reader.object()
        let from = try message["from"].optionalPhone()
        let fromUserID = try message["from_user_id"].optionalString()
        let type = try message["type"].optionalString().flatMap { $0.isEmpty ? nil : $0 }
            ?? payloadTypes.first { message[$0].isPresent } ?? "unknown"
        return InboundMessage(
            source: source,
            id: try message["id"].nonEmptyString(),
            from: from,
            fromUserID: fromUserID,
            fromParentUserID: try message["from_parent_user_id"].optionalString(),
            timestamp: try message["timestamp"].optionalInteger() ?? 0,
            type: type,
            context: try MessageContext.decode(message["context"]),
            contact: WebhookContact.match(in: contacts, phone: from, userID: fromUserID),
            errors: try MetaError.decodeList(message["errors"]),
            content: try MessageContent.decode(message, type: type))
    }
}

/// `context` of a message: what it replies to (for a permission reply, the request's wamid,
/// or the call's wacid when the grant came from the callback flow).
public struct MessageContext: Sendable, Equatable {
    public var from: String?
    public var id: String?
    public var forwarded: Bool
    public var frequentlyForwarded: Bool

    public init(from: String? = nil, id: String? = nil, forwarded: Bool = false, frequentlyForwarded: Bool = false) {
        self.from = from
        self.id = id
        self.forwarded = forwarded
        self.frequentlyForwarded = frequentlyForwarded
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> MessageContext? {
        guard let context = try reader.optionalObject() else { return nil }
        return MessageContext(
            from: try context["from"].optionalString(),
            id: try context["id"].optionalString(),
            forwarded: try context["forwarded"].optionalBool() ?? false,
            frequentlyForwarded: try context["frequently_forwarded"].optionalBool() ?? false)
    }
}
