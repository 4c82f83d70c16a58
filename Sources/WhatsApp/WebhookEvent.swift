import Runtime

/// One thing a delivery reports, ready for the call state machine or the communications log.
public enum WebhookEvent: Sendable, Equatable {
    case call(CallWebhook)
    case callStatus(CallStatusUpdate)
    case message(InboundMessage)
    case messageStatus(MessageStatus)
    /// `value.errors[]` not tied to a call (spec §7.2): a system or app-level problem.
    case systemErrors(source: WebhookSource, errors: [MetaError])
    /// A user's BSUID changed (field `user_id_update`, spec §11.4).
    case userIDChange(UserIDChange)
    /// Field `account_update` (calling restrictions, violations, …): kept whole for the log.
    case accountUpdate(source: WebhookSource, value: JSONValue)
    /// A field this model does not interpret (`account_update`, `account_settings_update`, …):
    /// kept whole so the daemon can store and count it.
    case unknown(source: WebhookSource, value: JSONValue)

    public var source: WebhookSource {
        switch self {
        case .call(let call): call.source
        case .callStatus(let status): status.source
        case .message(let message): message.source
        case .messageStatus(let status): status.source
        case .userIDChange(let change): change.source
        case .systemErrors(let source, _), .accountUpdate(let source, _), .unknown(let source, _): source
        }
    }

    /// What the event is, as `/metrics` counts it (`callbox_webhook_events_total{kind}`).
    public var kind: String {
        switch self {
        case .call(let call):
            switch call.event {
            case .connect: "call_connect"
            case .terminate: "call_terminate"
            case .created: "call_created"
            case .recordingAvailable: "call_recording"
            case .transcriptionAvailable: "call_transcription"
            case .other: "call_other"
            }
        case .callStatus: "call_status"
        case .message: "message"
        case .messageStatus: "message_status"
        case .systemErrors: "system_errors"
        case .userIDChange: "user_id_update"
        case .accountUpdate: "account_update"
        case .unknown: "unknown"
        }
    }

    /// Every `kind`, for counters that start at zero.
    public static let kinds = ["call_connect", "call_terminate", "call_created", "call_recording", "call_transcription",
                               "call_other", "call_status", "message", "message_status", "system_errors", "user_id_update",
                               "account_update", "unknown"]

    /// The spec §1.3 key under which a redelivery of the same event is recognised; nil for
    /// system errors and unknown fields, which carry no identity of their own.
    public var dedupKey: String? {
        switch self {
        case .call(let call): call.dedupKey
        case .callStatus(let status): status.dedupKey
        case .message(let message): message.dedupKey
        case .messageStatus(let status): status.dedupKey
        case .userIDChange(let change): change.dedupKey
        case .systemErrors, .accountUpdate, .unknown: nil
        }
    }
}
