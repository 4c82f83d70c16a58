import Runtime

/// The payload of an inbound message, by `type` (spec §7.1 table).
public enum MessageContent: Sendable, Equatable {
    case text(body: String)
    case interactive(InteractiveReply)
    /// A template quick-reply button.
    case button(payload: String?, text: String?)
    case media(MediaAttachment)
    case location(Location)
    case contacts([SharedContact])
    /// An empty or absent emoji means the reaction was removed.
    case reaction(messageID: String, emoji: String?)
    /// `unsupported.type` (e.g. `edit`, `poll_update`); the reason is in the message's errors.
    case unsupported(type: String?)
    /// E.g. the user changed number; logged as a note. `userID` is the BSUID the user has now
    /// on `user_changed_user_id` (spec §11.4), `system.user_id`.
    case system(body: String?, type: String?, userID: String? = nil)
    /// `order`, `request_welcome` and types not modelled: kept as the type's object for the log.
    case raw(JSONValue)

    static func decode(_ message: FieldReader, type: String) throws(WebhookDecodeError) -> MessageContent {
        let payload = message[type]
        switch type {
        case "text":
            return .text(body: try payload.object()["body"].string())
        case "interactive":
            return .interactive(try InteractiveReply.decode(payload))
        case "button":
            let button = try payload.object()
            return .button(payload: try button["payload"].optionalString(), text: try button["text"].optionalString())
        case "image", "video", "audio", "document", "sticker":
            return .media(try MediaAttachment.decode(payload, kind: type))
        case "location":
            return .location(try Location.decode(payload))
        case "contacts":
            var shared: [SharedContact] = []
            for element in try payload.elements() { shared.append(try SharedContact.decode(element)) }
            return .contacts(shared)
        case "reaction":
            let reaction = try payload.object()
            let emoji = try reaction["emoji"].optionalString()
            return .reaction(messageID: try reaction["message_id"].nonEmptyString(), emoji: emoji?.isEmpty == true ? nil : emoji)
        case "unsupported":
            return .unsupported(type: try payload.optionalObject()?["type"].optionalString())
        case "system":
            let system = try payload.optionalObject()
            return .system(body: try system?["body"].optionalString(), type: try system?["type"].optionalString(),
                           userID: try system?["user_id"].optionalString())
        default:
            return .raw(payload.value ?? .null)
        }
    }
}

/// A reply to an interactive message we sent.
public enum InteractiveReply: Sendable, Equatable {
    case buttonReply(id: String, title: String?)
    case listReply(id: String, title: String?, description: String?)
    /// A WhatsApp Flow's reply; `responseJSON` is the flow's own JSON, as a string.
    case flowReply(name: String?, body: String?, responseJSON: String?)
    case callPermissionReply(CallPermissionReply)
    /// An interactive type not modelled, with its payload.
    case other(type: String, payload: JSONValue)

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> InteractiveReply {
        let interactive = try reader.object()
        // Permission replies are recognised by their object even when `type` is missing.
        let type = try interactive["type"].optionalString().flatMap { $0.isEmpty ? nil : $0 }
            ?? (interactive["call_permission_reply"].isPresent ? "call_permission_reply" : nil)
            ?? interactive.value?.members?.first(where: { $0.value.members != nil })?.name
            ?? "unknown"
        let payload = interactive[type]
        switch type {
        case "button_reply":
            let reply = try payload.object()
            return .buttonReply(id: try reply["id"].string(), title: try reply["title"].optionalString())
        case "list_reply":
            let reply = try payload.object()
            return .listReply(id: try reply["id"].string(), title: try reply["title"].optionalString(),
                              description: try reply["description"].optionalString())
        case "nfm_reply":
            let reply = try payload.object()
            return .flowReply(name: try reply["name"].optionalString(), body: try reply["body"].optionalString(),
                              responseJSON: try reply["response_json"].optionalString())
        case "call_permission_reply":
            return .callPermissionReply(try CallPermissionReply.decode(payload))
        default:
            return .other(type: type, payload: payload.value ?? .null)
        }
    }
}

/// Image, video, audio, document or sticker: a media id to fetch with the access token.
public struct MediaAttachment: Sendable, Equatable {
    /// `image`, `video`, `audio`, `document` or `sticker`.
    public var kind: String
    public var id: String
    public var mimeType: String?
    public var sha256: String?
    public var caption: String?
    public var filename: String?
    /// Audio only: a voice note rather than an audio file.
    public var voice: Bool?
    /// Sticker only.
    public var animated: Bool?
    public var url: String?

    public init(kind: String, id: String, mimeType: String? = nil, sha256: String? = nil, caption: String? = nil,
                filename: String? = nil, voice: Bool? = nil, animated: Bool? = nil, url: String? = nil) {
        self.kind = kind
        self.id = id
        self.mimeType = mimeType
        self.sha256 = sha256
        self.caption = caption
        self.filename = filename
        self.voice = voice
        self.animated = animated
        self.url = url
    }

    static func decode(_ reader: FieldReader, kind: String) throws(WebhookDecodeError) -> MediaAttachment {
        let media = try reader.object()
        return MediaAttachment(
            kind: kind,
            id: try media["id"].digitsOrText(),
            mimeType: try media["mime_type"].optionalString(),
            sha256: try media["sha256"].optionalString(),
            caption: try media["caption"].optionalString(),
            filename: try media["filename"].optionalString(),
            voice: try media["voice"].optionalBool(),
            animated: try media["animated"].optionalBool(),
            url: try media["url"].optionalString())
    }
}

public struct Location: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var name: String?
    public var address: String?
    public var url: String?

    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
        self.url = url
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> Location {
        let location = try reader.object()
        guard let latitude = try location["latitude"].optionalDouble() else { throw location["latitude"].failure("missing") }
        guard let longitude = try location["longitude"].optionalDouble() else { throw location["longitude"].failure("missing") }
        return Location(
            latitude: latitude, longitude: longitude,
            name: try location["name"].optionalString(),
            address: try location["address"].optionalString(),
            url: try location["url"].optionalString())
    }
}

/// A vCard the user shared: what the log shows, plus the whole card as sent.
public struct SharedContact: Sendable, Equatable {
    public var formattedName: String?
    public var phones: [Phone]
    public var card: JSONValue

    public struct Phone: Sendable, Equatable {
        public var phone: String?
        public var waID: String?
        public var type: String?

        public init(phone: String? = nil, waID: String? = nil, type: String? = nil) {
            self.phone = phone
            self.waID = waID
            self.type = type
        }
    }

    public init(formattedName: String?, phones: [Phone], card: JSONValue) {
        self.formattedName = formattedName
        self.phones = phones
        self.card = card
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> SharedContact {
        let card = try reader.object()
        var phones: [Phone] = []
        for element in try card["phones"].elements() {
            let phone = try element.object()
            phones.append(Phone(phone: try phone["phone"].optionalString(), waID: try phone["wa_id"].optionalString(),
                                type: try phone["type"].optionalString()))
        }
        return SharedContact(
            formattedName: try card["name"].optionalObject()?["formatted_name"].optionalString(),
            phones: phones,
            card: card.value ?? .null)
    }
}
