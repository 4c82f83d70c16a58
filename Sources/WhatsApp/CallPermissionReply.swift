/// A user's answer to our call permission request (spec §4.3); the request it answers is the
/// message's `context.id`.
public struct CallPermissionReply: Sendable, Equatable {
    public var response: Response
    public var isPermanent: Bool
    /// Unix seconds; present for temporary accepts. Meta sends it as a string or an integer.
    public var expirationTimestamp: Int64?
    public var responseSource: Source?

    public enum Response: String, Sendable, Equatable {
        case accept
        case reject
    }

    public enum Source: Sendable, Equatable {
        /// The user tapped a button.
        case userAction
        /// Granted by calling the business with callback permission enabled.
        case automatic
        case other(String)

        init(_ text: String) {
            switch text {
            case "user_action": self = .userAction
            case "automatic": self = .automatic
            default: self = .other(text)
            }
        }
    }

    public init(response: Response, isPermanent: Bool, expirationTimestamp: Int64? = nil, responseSource: Source? = nil) {
        self.response = response
        self.isPermanent = isPermanent
        self.expirationTimestamp = expirationTimestamp
        self.responseSource = responseSource
    }

    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> CallPermissionReply {
        let reply = try reader.object()
        let responseText = try reply["response"].string()
        guard let response = Response(rawValue: responseText.lowercased()) else {
            throw reply["response"].failure("expected accept or reject, got \"\(responseText.prefix(32))\"")
        }
        return CallPermissionReply(
            response: response,
            isPermanent: try reply["is_permanent"].optionalBool() ?? false,
            expirationTimestamp: try reply["expiration_timestamp"].optionalInteger(),
            responseSource: try reply["response_source"].optionalString().map(Source.init))
    }
}
