/// A `calls[]` item of a `calls` webhook (spec §2.1–2.5): a call connecting, with Meta's SDP,
/// or a call that ended.
public struct CallWebhook: Sendable, Equatable {
    public var source: WebhookSource
    /// `wacid.…`: the key for everything about this call.
    public var id: String
    public var from: String?
    public var to: String?
    /// Unix seconds; the daemon judges staleness on it (spec §1.3).
    public var timestamp: Int64
    /// As sent, or inferred (see `inferDirection`); nil only when nothing tells.
    public var direction: CallDirection?
    public var fromUserID: String?
    public var toUserID: String?
    public var bizOpaqueCallbackData: String?
    public var deeplinkPayload: String?
    public var ctaPayload: String?
    /// The WhatsApp user on the other end, from `value.contacts[]`.
    public var contact: WebhookContact?
    public var event: Event

    public enum Event: Sendable, Equatable {
        case connect(CallSession)
        case terminate(CallTermination)
    }

    /// Spec §1.3: call events deduplicate on (`id`, `event`).
    public var dedupKey: String {
        switch event {
        case .connect: "call:\(id):connect"
        case .terminate: "call:\(id):terminate"
        }
    }

    public var isConnect: Bool {
        if case .connect = event { return true }
        return false
    }

    public init(source: WebhookSource, id: String, from: String?, to: String?, timestamp: Int64, direction: CallDirection?,
                fromUserID: String? = nil, toUserID: String? = nil, bizOpaqueCallbackData: String? = nil,
                deeplinkPayload: String? = nil, ctaPayload: String? = nil, contact: WebhookContact? = nil, event: Event) {
        self.source = source
        self.id = id
        self.from = from
        self.to = to
        self.timestamp = timestamp
        self.direction = direction
        self.fromUserID = fromUserID
        self.toUserID = toUserID
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.deeplinkPayload = deeplinkPayload
        self.ctaPayload = ctaPayload
        self.contact = contact
        self.event = event
    }

    /// `valueErrors` are the change's `value.errors[]`, which Meta attaches to a failed
    /// terminate at the value level rather than inside the call.
    static func decode(_ reader: FieldReader, source: WebhookSource, contacts: [WebhookContact],
                       valueErrors: [MetaError]) throws(WebhookDecodeError) -> CallWebhook {
        let call = try reader.object()
        let id = try call["id"].nonEmptyString()
        let from = try call["from"].optionalDigits()
        let to = try call["to"].optionalDigits()
        let timestamp = try call["timestamp"].integer()
        let fromUserID = try call["from_user_id"].optionalString()
        let toUserID = try call["to_user_id"].optionalString()
        var direction: CallDirection?
        if let text = try call["direction"].optionalString() {
            guard let parsed = CallDirection(rawValue: text) else {
                throw call["direction"].failure("expected USER_INITIATED or BUSINESS_INITIATED, got \"\(text.prefix(32))\"")
            }
            direction = parsed
        }
        let event: Event
        switch try call["event"].string() {
        case "connect":
            let session = try CallSession.decode(call["session"])
            event = .connect(session)
            direction = direction ?? session.sdpType.impliedDirection
        case "terminate":
            event = .terminate(try CallTermination.decode(call, valueErrors: valueErrors))
        case let other:
            throw call["event"].failure("expected connect or terminate, got \"\(other.prefix(32))\"")
        }
        if direction == nil, let business = source.displayPhoneNumber {
            // A terminate carries no SDP; the business number on one side still tells.
            if from == business { direction = .businessInitiated } else if to == business { direction = .userInitiated }
        }
        let userPhone = direction == .businessInitiated ? to : from
        let userID = direction == .businessInitiated ? toUserID : fromUserID
        return CallWebhook(
            source: source, id: id, from: from, to: to, timestamp: timestamp, direction: direction,
            fromUserID: fromUserID, toUserID: toUserID,
            bizOpaqueCallbackData: try call["biz_opaque_callback_data"].optionalString(),
            deeplinkPayload: try call["deeplink_payload"].optionalString(),
            ctaPayload: try call["cta_payload"].optionalString(),
            contact: WebhookContact.match(in: contacts, phone: userPhone, userID: userID),
            event: event)
    }
}

public enum CallDirection: String, Sendable, Equatable {
    case userInitiated = "USER_INITIATED"
    case businessInitiated = "BUSINESS_INITIATED"
}

/// `session` of a connect: Meta's offer for a user's call, Meta's answer to our `connect`.
/// The legacy `connection.webrtc` field that may sit beside it is ignored (spec §2.1).
public struct CallSession: Sendable, Equatable {
    public var sdpType: SDPType
    /// CRLF line ends, exactly as received.
    public var sdp: String

    public init(sdpType: SDPType, sdp: String) {
        self.sdpType = sdpType
        self.sdp = sdp
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> CallSession {
        let session = try reader.object()
        let typeText = try session["sdp_type"].string()
        guard let type = SDPType(rawValue: typeText) else {
            throw session["sdp_type"].failure("expected offer or answer, got \"\(typeText.prefix(32))\"")
        }
        return CallSession(sdpType: type, sdp: try session["sdp"].nonEmptyString())
    }
}

public enum SDPType: String, Sendable, Equatable {
    case offer
    case answer

    /// Meta offers on calls users place and answers on calls we place.
    var impliedDirection: CallDirection {
        switch self {
        case .offer: .userInitiated
        case .answer: .businessInitiated
        }
    }
}
