/// A `calls[]` item of a `calls` webhook (spec §2.1–2.5, §11.1, §11.3): a call connecting, with
/// Meta's SDP, a call that ended, a SIP call created, or a recording or transcript ready.
public struct CallWebhook: Sendable, Equatable {
    public var source: WebhookSource
    /// `wacid.…`: the key for everything about this call.
    public var id: String
    public var from: String?
    public var to: String?
    /// Unix seconds; the daemon judges staleness on it (spec §1.3). 0 when Meta sent none.
    public var timestamp: Int64
    /// As sent, or inferred (see `inferDirection`); nil only when nothing tells.
    public var direction: CallDirection?
    public var fromUserID: String?
    public var toUserID: String?
    /// Parent BSUIDs (`CC.ENT.…`), for businesses in linked portfolios (spec §11.4).
    public var fromParentUserID: String?
    public var toParentUserID: String?
    public var bizOpaqueCallbackData: String?
    public var deeplinkPayload: String?
    public var ctaPayload: String?
    /// The WhatsApp user on the other end, from `value.contacts[]`.
    public var contact: WebhookContact?
    /// Meta's own account of what went wrong, in its words: the call's `errors[]` (or single
    /// `error`) and the change's `value.errors[]`, merged; a real capture repeats one error in
    /// both places, so an identical error is kept once (spec §11.3).
    public var errors: [MetaError]
    public var event: Event

    public enum Event: Sendable, Equatable {
        case connect(CallSession)
        case terminate(CallTermination)
        /// `call_created`: a SIP call began; no SDP (spec §11.3).
        case created
        /// `call_recording_available` / `call_transcription_available` (spec §11.1).
        case recordingAvailable(MediaAttachment)
        case transcriptionAvailable(MediaAttachment)
        /// An `event` this model does not know (Meta lists `media_update`, undocumented): kept
        /// and counted, not refused.
        case other(String)

        /// The `event` word as Meta writes it.
        public var name: String {
            switch self {
            case .connect: "connect"
            case .terminate: "terminate"
            case .created: "call_created"
            case .recordingAvailable: "call_recording_available"
            case .transcriptionAvailable: "call_transcription_available"
            case .other(let name): name
            }
        }
    }

    /// Spec §1.3: call events deduplicate on (`id`, `event`).
    public var dedupKey: String { "call:\(id):\(event.name)" }

    public var isConnect: Bool {
        if case .connect = event { return true }
        return false
    }

    public init(source: WebhookSource, id: String, from: String?, to: String?, timestamp: Int64, direction: CallDirection?,
                fromUserID: String? = nil, toUserID: String? = nil, fromParentUserID: String? = nil, toParentUserID: String? = nil,
                bizOpaqueCallbackData: String? = nil, deeplinkPayload: String? = nil, ctaPayload: String? = nil,
                contact: WebhookContact? = nil, errors: [MetaError] = [], event: Event) {
        self.source = source
        self.id = id
        self.from = from
        self.to = to
        self.timestamp = timestamp
        self.direction = direction
        self.fromUserID = fromUserID
        self.toUserID = toUserID
        self.fromParentUserID = fromParentUserID
        self.toParentUserID = toParentUserID
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.deeplinkPayload = deeplinkPayload
        self.ctaPayload = ctaPayload
        self.contact = contact
        self.errors = errors
        self.event = event
    }

    /// The WhatsApp user's BSUID: the caller's on calls users place, the callee's on ours.
    public var userID: String? {
        (direction == .businessInitiated ? toUserID : fromUserID) ?? contact?.userID
    }

    /// The WhatsApp user's phone digits, when Meta gave them.
    public var userPhone: String? {
        (direction == .businessInitiated ? to : from) ?? contact?.waID
    }

    /// `valueErrors` are the change's `value.errors[]`, which Meta attaches to a failed
    /// call at the value level as well as, or instead of, inside the call.
    static func decode(_ reader: FieldReader, source: WebhookSource, contacts: [WebhookContact],
                       valueErrors: [MetaError]) throws(WebhookDecodeError) -> CallWebhook {
        let call = try reader.object()
        let id = try call["id"].nonEmptyString()
        let from = try call["from"].optionalPhone()
        let to = try call["to"].optionalPhone()
        // An event may come without a time of its own (recording and transcript events do): 0,
        // and a connect is then judged by when it arrived, not refused as stale.
        let timestamp = try call["timestamp"].optionalInteger() ?? 0
        let fromUserID = try call["from_user_id"].optionalString()
        let toUserID = try call["to_user_id"].optionalString()
        // Only the two documented words steer; another is treated as unsaid, and the SDP or the
        // business number below then tells.
        var direction = try call["direction"].optionalString().flatMap { CallDirection(rawValue: $0.uppercased()) }
        var errors: [MetaError] = []
        if let single = try call["error"].optionalObject() { errors.append(try MetaError.decode(single)) }
        errors += try MetaError.decodeList(call["errors"])
        for error in valueErrors where !errors.contains(error) { errors.append(error) }
        let event: Event
        switch try call["event"].string() {
        case "connect":
            let session = try CallSession.decode(call["session"], legacy: call["connection"])
            event = .connect(session)
            direction = direction ?? session.sdpType.impliedDirection
        case "terminate":
            event = .terminate(try CallTermination.decode(call, errors: errors))
        case "call_created":
            event = .created
        case "call_recording_available":
            event = .recordingAvailable(try CallMediaReady.decode(call["call_recording"], kind: "audio"))
        case "call_transcription_available":
            event = .transcriptionAvailable(try CallMediaReady.decode(call["call_transcript"], kind: "document"))
        case let other:
            event = .other(other)
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
            fromParentUserID: try call["from_parent_user_id"].optionalString(),
            toParentUserID: try call["to_parent_user_id"].optionalString(),
            bizOpaqueCallbackData: try call["biz_opaque_callback_data"].optionalString(),
            deeplinkPayload: try call["deeplink_payload"].optionalString(),
            ctaPayload: try call["cta_payload"].optionalString(),
            contact: WebhookContact.match(in: contacts, phone: userPhone, userID: userID),
            errors: errors,
            event: event)
    }
}

/// Where a recording (`call_recording.audio`) or transcript (`call_transcript.document`) Meta
/// has ready for a call sits (spec §11.1): fetched with the access token from its `url` (5
/// minutes) or by its id through Graph (7 days), and checked against its `sha256`. The file
/// object is read as any media attachment; `kind` names it (`audio`, `document`), and when it is
/// missing the object named by `type`, failing that the single object inside, is read.
enum CallMediaReady {
    static func decode(_ reader: FieldReader, kind: String) throws(WebhookDecodeError) -> MediaAttachment {
        let outer = try reader.object()
        var media = outer[kind]
        if !media.isPresent, let type = try outer["type"].optionalString() { media = outer[type] }
        if !media.isPresent, let only = outer.value?.members?.first(where: { $0.value.members != nil }) { media = outer[only.name] }
        return try MediaAttachment.decode(media, kind: kind)
    }
}

public enum CallDirection: String, Sendable, Equatable {
    case userInitiated = "USER_INITIATED"
    case businessInitiated = "BUSINESS_INITIATED"
}

/// `session` of a connect: Meta's offer for a user's call, Meta's answer to our `connect`.
/// The legacy `connection.webrtc` field that may sit beside it is read only when `session`
/// is missing (spec §2.1: it carries the same SDP).
public struct CallSession: Sendable, Equatable {
    public var sdpType: SDPType
    /// CRLF line ends, exactly as received.
    public var sdp: String

    public init(sdpType: SDPType, sdp: String) {
        self.sdpType = sdpType
        self.sdp = sdp
    }

    static func decode(_ reader: FieldReader, legacy: FieldReader) throws(WebhookDecodeError) -> CallSession {
        let session = reader.isPresent || !legacy["webrtc"].isPresent ? try reader.object() : try legacy["webrtc"].object()
        let typeText = try session["sdp_type"].string()
        guard let type = SDPType(rawValue: typeText.lowercased()) else {
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
