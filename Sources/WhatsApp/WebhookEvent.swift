import Runtime

/// One thing a delivery reports, ready for the call state machine or the communications log.
public enum WebhookEvent: Sendable, Equatable {
    case call(CallWebhook)
    case callStatus(CallStatusUpdate)
    case message(InboundMessage)
    case messageStatus(MessageStatus)
    /// `value.errors[]` not tied to a call (spec §7.2): a system or app-level problem.
    case systemErrors(source: WebhookSource, errors: [MetaError])
    /// A field this model does not interpret (`account_update`, `account_settings_update`, …):
    /// kept whole so the daemon can store and count it.
    case unknown(source: WebhookSource, value: JSONValue)

    public var source: WebhookSource {
        switch self {
        case .call(let call): call.source
        case .callStatus(let status): status.source
        case .message(let message): message.source
        case .messageStatus(let status): status.source
        case .systemErrors(let source, _), .unknown(let source, _): source
        }
    }

    /// The spec §1.3 key under which a redelivery of the same event is recognised; nil for
    /// system errors and unknown fields, which carry no identity of their own.
    public var dedupKey: String? {
        switch self {
        case .call(let call): call.dedupKey
        case .callStatus(let status): status.dedupKey
        case .message(let message): message.dedupKey
        case .messageStatus(let status): status.dedupKey
        case .systemErrors, .unknown: nil
        }
    }
}
