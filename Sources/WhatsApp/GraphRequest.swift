import CallCore
import Runtime

/// A Graph API request as data: what the HTTP client in `Runtime` sends, with the access token
/// added there. Paths carry the pinned version (spec §0); bodies are compact JSON with SDP
/// passed through unchanged, so pre_accept and accept stay byte-identical (spec §3.1).
public struct GraphRequest: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// Path and query, e.g. `/v24.0/301234567890123/calls`.
    public var path: String
    /// JSON body for POST; nil for GET.
    public var body: [UInt8]?

    public init(method: Method, path: String, body: [UInt8]?) {
        self.method = method
        self.path = path
        self.body = body
    }

    public static let messagingProduct = "whatsapp"

    /// Who a request is for: `to` with the phone when the box knows it, else `recipient` with
    /// the BSUID (spec §11.4; Meta lets `to` win when both are sent, so only one is).
    static func addressee(_ user: WhatsAppUser) -> JSONMember {
        if let phone = user.phone { return JSONMember("to", .string(phone.description)) }
        return JSONMember("recipient", .string(user.userID?.description ?? ""))
    }

    /// Offers `offerSDP` to `to` on a call we place (spec §3.2).
    public static func connect(_ number: BusinessNumber, to: WhatsAppUser, offerSDP: String, bizOpaqueCallbackData: String? = nil) -> GraphRequest {
        var body: [JSONMember] = [
            JSONMember("messaging_product", .string(messagingProduct)),
            addressee(to),
            JSONMember("action", "connect"),
            JSONMember("session", ["sdp_type": "offer", "sdp": .string(offerSDP)]),
        ]
        if let bizOpaqueCallbackData { body.append(JSONMember("biz_opaque_callback_data", .string(bizOpaqueCallbackData))) }
        return post(number.callsPath, .object(body))
    }

    /// Starts media setup for a user's call before staff answers (spec §3.1).
    public static func preAccept(_ number: BusinessNumber, callID: String, answerSDP: String) -> GraphRequest {
        post(number.callsPath, callAction("pre_accept", callID: callID, session: ["sdp_type": "answer", "sdp": .string(answerSDP)]))
    }

    /// Answers a user's call; `answerSDP` must be the one sent in pre_accept.
    public static func accept(_ number: BusinessNumber, callID: String, answerSDP: String, bizOpaqueCallbackData: String? = nil) -> GraphRequest {
        post(number.callsPath, callAction("accept", callID: callID, session: ["sdp_type": "answer", "sdp": .string(answerSDP)],
                                          bizOpaqueCallbackData: bizOpaqueCallbackData))
    }

    /// Declines a user's call that was not answered.
    public static func reject(_ number: BusinessNumber, callID: String) -> GraphRequest {
        post(number.callsPath, callAction("reject", callID: callID, session: nil))
    }

    /// Ends an established call from our side; required for billing even after an RTCP BYE (spec §3.3).
    public static func terminate(_ number: BusinessNumber, callID: String) -> GraphRequest {
        post(number.callsPath, callAction("terminate", callID: callID, session: nil))
    }

    /// A free-form text (spec §7.3); `replyTo` quotes an earlier message by wamid.
    public static func sendText(_ number: BusinessNumber, to: WhatsAppUser, body text: String, previewURL: Bool = false, replyTo: String? = nil) -> GraphRequest {
        var body: [JSONMember] = [
            JSONMember("messaging_product", .string(messagingProduct)),
            JSONMember("recipient_type", "individual"),
            addressee(to),
            JSONMember("type", "text"),
            JSONMember("text", ["preview_url": .bool(previewURL), "body": .string(text)]),
        ]
        if let replyTo { body.append(JSONMember("context", ["message_id": .string(replyTo)])) }
        return post(number.messagesPath, .object(body))
    }

    /// The free-form interactive call permission request (spec §4.2); header and footer are not allowed.
    public static func callPermissionRequest(_ number: BusinessNumber, to: WhatsAppUser, bodyText: String? = nil) -> GraphRequest {
        var interactive: [JSONMember] = [
            JSONMember("type", "call_permission_request"),
            JSONMember("action", ["name": "call_permission_request"]),
        ]
        if let bodyText { interactive.append(JSONMember("body", ["text": .string(bodyText)])) }
        return post(number.messagesPath, .object([
            JSONMember("messaging_product", .string(messagingProduct)),
            JSONMember("recipient_type", "individual"),
            addressee(to),
            JSONMember("type", "interactive"),
            JSONMember("interactive", .object(interactive)),
        ]))
    }

    /// The permission state and limits for one user (spec §4.4): `user_wa_id` with the phone,
    /// or `recipient` with the BSUID when no phone is known (spec §11.4).
    public static func callPermissions(_ number: BusinessNumber, for user: WhatsAppUser) -> GraphRequest {
        let query = user.phone.map { "user_wa_id=\(PercentEncoding.queryValue($0.description))" }
            ?? "recipient=\(PercentEncoding.queryValue(user.userID?.description ?? ""))"
        return GraphRequest(method: .get, path: "\(number.basePath)/call_permissions?\(query)", body: nil)
    }

    private static func callAction(_ action: String, callID: String, session: JSONValue?, bizOpaqueCallbackData: String? = nil) -> JSONValue {
        var body: [JSONMember] = [
            JSONMember("messaging_product", .string(messagingProduct)),
            JSONMember("call_id", .string(callID)),
            JSONMember("action", .string(action)),
        ]
        if let session { body.append(JSONMember("session", session)) }
        if let bizOpaqueCallbackData { body.append(JSONMember("biz_opaque_callback_data", .string(bizOpaqueCallbackData))) }
        return .object(body)
    }

    private static func post(_ path: String, _ body: JSONValue) -> GraphRequest {
        GraphRequest(method: .post, path: path, body: JSONWriter.encode(body))
    }
}

/// The business phone number a request acts for, at the pinned Graph API version.
public struct BusinessNumber: Sendable, Equatable {
    /// E.g. `v24.0`; Calling needs at least v17.0 (spec §0).
    public var graphVersion: String
    public var phoneNumberID: String

    public init(graphVersion: String, phoneNumberID: String) {
        self.graphVersion = graphVersion
        self.phoneNumberID = phoneNumberID
    }

    var basePath: String { "/\(graphVersion)/\(phoneNumberID)" }
    var callsPath: String { basePath + "/calls" }
    var messagesPath: String { basePath + "/messages" }
}
