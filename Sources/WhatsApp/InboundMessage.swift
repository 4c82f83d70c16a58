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
    public var timestamp: Int64
    /// `type` as sent, also for types this model keeps raw.
    public var type: String
    public var context: MessageContext?
    public var contact: WebhookContact?
    public var errors: [MetaError]
    public var content: MessageContent

    public init(source: WebhookSource, id: String, from: String?, fromUserID: String? = nil, timestamp: Int64, type: String,
                context: MessageContext? = nil, contact: WebhookContact? = nil, errors: [MetaError] = [], content: MessageContent) {
        self.source = source
        self.id = id
        self.from = from
        self.fromUserID = fromUserID
        self.timestamp = timestamp
        self.type = type
        self.context = context
        self.contact = contact
        self.errors = errors
        self.content = content
    }

    /// Spec §1.3: messages deduplicate on their wamid.
    public var dedupKey: String { "message:\(id)" }

    static func decode(_ reader: FieldReader, source: WebhookSource, contacts: [WebhookContact]) throws(WebhookDecodeError) -> InboundMessage {
        let message = try reader.object()
        let from = try message["from"].optionalDigits()
        let fromUserID = try message["from_user_id"].optionalString()
        let type = try message["type"].nonEmptyString()
        return InboundMessage(
            source: source,
            id: try message["id"].nonEmptyString(),
            from: from,
            fromUserID: fromUserID,
            timestamp: try message["timestamp"].integer(),
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
