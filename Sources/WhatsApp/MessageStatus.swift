import Runtime

/// A `statuses[]` item of a `messages` webhook (spec §7.2): what happened to a message we sent.
/// Statuses can arrive out of order; the consumer never downgrades.
public struct MessageStatus: Sendable, Equatable {
    public var source: WebhookSource
    /// The `wamid` of our message.
    public var id: String
    public var status: DeliveryState
    public var timestamp: Int64
    public var recipientID: String?
    public var recipientUserID: String?
    public var recipientType: String?
    public var recipientParticipantID: String?
    public var bizOpaqueCallbackData: String?
    public var errors: [MetaError]
    /// Kept as sent: its fields change with API versions and it is only logged.
    public var pricing: JSONValue?
    public var conversation: JSONValue?

    public init(source: WebhookSource, id: String, status: DeliveryState, timestamp: Int64, recipientID: String? = nil,
                recipientUserID: String? = nil, recipientType: String? = nil, recipientParticipantID: String? = nil,
                bizOpaqueCallbackData: String? = nil, errors: [MetaError] = [], pricing: JSONValue? = nil, conversation: JSONValue? = nil) {
        self.source = source
        self.id = id
        self.status = status
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.recipientUserID = recipientUserID
        self.recipientType = recipientType
        self.recipientParticipantID = recipientParticipantID
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.errors = errors
        self.pricing = pricing
        self.conversation = conversation
    }

    /// Spec §1.3: message statuses deduplicate on (`id`, `status`).
    public var dedupKey: String { "message-status:\(id):\(status.text)" }

    static func decode(_ reader: FieldReader, source: WebhookSource) throws(WebhookDecodeError) -> MessageStatus {
        let status = try reader.object()
        return MessageStatus(
            source: source,
            id: try status["id"].nonEmptyString(),
            status: DeliveryState(try status["status"].nonEmptyString()),
            timestamp: try status["timestamp"].optionalInteger() ?? 0,
            // A group id is not all digits, so the recipient is read as plain text.
            recipientID: try status["recipient_id"].optionalString(),
            recipientUserID: try status["recipient_user_id"].optionalString(),
            recipientType: try status["recipient_type"].optionalString(),
            recipientParticipantID: try status["recipient_participant_id"].optionalString(),
            bizOpaqueCallbackData: try status["biz_opaque_callback_data"].optionalString(),
            errors: try MetaError.decodeList(status["errors"]),
            pricing: try status["pricing"].optionalObject()?.value,
            conversation: try status["conversation"].optionalObject()?.value)
    }
}

public enum DeliveryState: Sendable, Hashable {
    case sent
    case delivered
    case read
    case failed
    /// First play of a voice message.
    case played
    /// Anything else, lower-cased.
    case other(String)

    public init(_ text: String) {
        switch text.lowercased() {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "failed": self = .failed
        case "played": self = .played
        case let other: self = .other(other)
        }
    }

    public var text: String {
        switch self {
        case .sent: "sent"
        case .delivered: "delivered"
        case .read: "read"
        case .failed: "failed"
        case .played: "played"
        case .other(let text): text
        }
    }
}
