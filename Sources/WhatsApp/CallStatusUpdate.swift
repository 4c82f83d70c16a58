/// A `statuses[]` item with `type: "call"` in a `calls` webhook (spec §2.4): the progress of a
/// call we placed. Not to be confused with message statuses, which share the array name.
public struct CallStatusUpdate: Sendable, Equatable {
    public var source: WebhookSource
    /// The `wacid` of the call.
    public var id: String
    public var status: CallProgress
    public var timestamp: Int64
    public var recipientID: String?
    public var recipientUserID: String?
    public var recipientParentUserID: String?
    public var bizOpaqueCallbackData: String?
    /// Meta's reason when the call could not ring or was refused, in its words.
    public var errors: [MetaError]

    public init(source: WebhookSource, id: String, status: CallProgress, timestamp: Int64, recipientID: String? = nil,
                recipientUserID: String? = nil, recipientParentUserID: String? = nil, bizOpaqueCallbackData: String? = nil,
                errors: [MetaError] = []) {
        self.source = source
        self.id = id
        self.status = status
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.recipientUserID = recipientUserID
        self.recipientParentUserID = recipientParentUserID
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.errors = errors
    }

    /// Spec §1.3: call statuses deduplicate on (`id`, `status`).
    public var dedupKey: String { "call-status:\(id):\(status.text)" }

    static func decode(_ reader: FieldReader, source: WebhookSource) throws(WebhookDecodeError) -> CallStatusUpdate {
        let status = try reader.object()
        if let type = try status["type"].optionalString(), type != "call" {
            throw status["type"].failure("expected call in a calls webhook, got \"\(type.prefix(32))\"")
        }
        return CallStatusUpdate(
            source: source,
            id: try status["id"].nonEmptyString(),
            status: CallProgress(try status["status"].nonEmptyString()),
            timestamp: try status["timestamp"].optionalInteger() ?? 0,
            recipientID: try status["recipient_id"].optionalPhone(),
            recipientUserID: try status["recipient_user_id"].optionalString(),
            recipientParentUserID: try status["recipient_parent_user_id"].optionalString(),
            bizOpaqueCallbackData: try status["biz_opaque_callback_data"].optionalString(),
            errors: try MetaError.decodeList(status["errors"]))
    }
}

public enum CallProgress: Sendable, Hashable {
    case ringing
    case accepted
    case rejected
    /// Anything else, upper-cased.
    case other(String)

    public init(_ text: String) {
        switch text.uppercased() {
        case "RINGING": self = .ringing
        case "ACCEPTED": self = .accepted
        case "REJECTED": self = .rejected
        case let other: self = .other(other)
        }
    }

    public var text: String {
        switch self {
        case .ringing: "RINGING"
        case .accepted: "ACCEPTED"
        case .rejected: "REJECTED"
        case .other(let text): text
        }
    }
}
