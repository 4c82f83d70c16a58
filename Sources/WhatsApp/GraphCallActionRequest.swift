import Runtime

/// An incoming Graph API request, checked against the contract in spec §3, §4.2, §4.4 and
/// §7.3 the way Meta checks it. The box's sandbox Graph API and the test fakes use it so that
/// what the box sends is proven, not assumed.
public struct GraphCallActionRequest: Sendable, Equatable {
    public var number: BusinessNumber
    public var accessToken: String
    public var operation: Operation

    public enum Operation: Sendable, Equatable {
        case connect(to: String, offerSDP: String, bizOpaqueCallbackData: String?)
        case preAccept(callID: String, answerSDP: String)
        case accept(callID: String, answerSDP: String, bizOpaqueCallbackData: String?)
        case reject(callID: String)
        case terminate(callID: String)
        case sendText(to: String, body: String, previewURL: Bool, replyTo: String?)
        case callPermissionRequest(to: String, bodyText: String?)
        case callPermissionsQuery(userWaID: String)
    }

    /// Calling needs Graph API v17.0 or later (spec §0).
    public static let minimumMajorVersion = 17
    /// Spec §7.3.
    public static let maximumTextLength = 4096
    /// Spec §2.1, §3.1.
    public static let maximumCallbackDataLength = 512

    public init(number: BusinessNumber, accessToken: String, operation: Operation) {
        self.number = number
        self.accessToken = accessToken
        self.operation = operation
    }

    /// `path` may carry a query string (for GET call_permissions); `authorization` is the raw
    /// `Authorization` header value.
    public static func parse(method: String, path: String, authorization: String?, body: [UInt8]) throws(GraphRequestRejection) -> GraphCallActionRequest {
        let (route, query) = split(path)
        let segments = route.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 4, segments[0].isEmpty, !segments[2].isEmpty,
              segments[2].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw GraphRequestRejection(.unknownPath, parameter: "path", "expected /<version>/<phone_number_id>/(calls|messages|call_permissions)")
        }
        let version = String(segments[1])
        try checkVersion(version)
        let number = BusinessNumber(graphVersion: version, phoneNumberID: String(segments[2]))
        let endpoint = String(segments[3])
        let expectedMethod: String
        switch endpoint {
        case "calls", "messages": expectedMethod = "POST"
        case "call_permissions": expectedMethod = "GET"
        default: throw GraphRequestRejection(.unknownPath, parameter: "path", "unsupported endpoint \"\(endpoint.prefix(64))\"")
        }
        guard method == expectedMethod else {
            throw GraphRequestRejection(.methodNotAllowed, parameter: "method", "\(endpoint) takes \(expectedMethod), not \(method.prefix(16))")
        }
        let token = try bearerToken(authorization)
        let operation: Operation
        switch endpoint {
        case "calls": operation = try callAction(try object(body))
        case "messages": operation = try message(try object(body))
        default: operation = try permissionsQuery(query)
        }
        return GraphCallActionRequest(number: number, accessToken: token, operation: operation)
    }

    private static func split(_ path: String) -> (Substring, Substring?) {
        guard let mark = path.firstIndex(of: "?") else { return (Substring(path), nil) }
        return (path[..<mark], path[path.index(after: mark)...])
    }

    private static func checkVersion(_ version: String) throws(GraphRequestRejection) {
        let parts = version.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard version.hasPrefix("v"), parts.count == 2, let major = Int(parts[0]), Int(parts[1]) != nil,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }) else {
            throw GraphRequestRejection(.unsupportedVersion, parameter: "path", "expected a version such as v24.0, got \"\(version.prefix(16))\"")
        }
        guard major >= minimumMajorVersion else {
            throw GraphRequestRejection(.unsupportedVersion, parameter: "path", "the Calling API needs v\(minimumMajorVersion).0 or later")
        }
    }

    private static func bearerToken(_ authorization: String?) throws(GraphRequestRejection) -> String {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            throw GraphRequestRejection(.missingAccessToken, parameter: "Authorization", "expected \"Authorization: Bearer <token>\"")
        }
        let token = String(authorization.dropFirst(7))
        guard !token.contains(" ") else {
            throw GraphRequestRejection(.missingAccessToken, parameter: "Authorization", "the access token must be one word")
        }
        return token
    }

    private static func object(_ body: [UInt8]) throws(GraphRequestRejection) -> FieldReader {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw GraphRequestRejection(.malformedJSON, parameter: "body", error.description)
        }
        guard document.members != nil else {
            throw GraphRequestRejection(.malformedJSON, parameter: "body", "expected a JSON object")
        }
        let body = FieldReader(document)
        guard body["messaging_product"].isPresent else {
            throw GraphRequestRejection(.missingParameter, parameter: "messaging_product", "messaging_product is required")
        }
        guard body["messaging_product"].value?.string == GraphRequest.messagingProduct else {
            throw GraphRequestRejection(.wrongMessagingProduct, parameter: "messaging_product", "must be \"whatsapp\"")
        }
        return body
    }

    private static func requiredString(_ reader: FieldReader) throws(GraphRequestRejection) -> String {
        guard reader.isPresent else {
            throw GraphRequestRejection(.missingParameter, parameter: reader.path, "\(reader.path) is required")
        }
        guard let text = reader.value?.string, !text.isEmpty else {
            throw GraphRequestRejection(.invalidParameter, parameter: reader.path, "\(reader.path) must be a non-empty string")
        }
        return text
    }

    private static func optionalString(_ reader: FieldReader) throws(GraphRequestRejection) -> String? {
        guard reader.isPresent else { return nil }
        guard let text = reader.value?.string else {
            throw GraphRequestRejection(.invalidParameter, parameter: reader.path, "\(reader.path) must be a string")
        }
        return text
    }

    private static func phone(_ reader: FieldReader) throws(GraphRequestRejection) -> String {
        let text = try requiredString(reader)
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw GraphRequestRejection(.invalidParameter, parameter: reader.path, "\(reader.path) must be phone digits without +")
        }
        return text
    }

    private static func callbackData(_ body: FieldReader) throws(GraphRequestRejection) -> String? {
        let data = try optionalString(body["biz_opaque_callback_data"])
        if let data, data.count > maximumCallbackDataLength {
            throw GraphRequestRejection(.callbackDataTooLong, parameter: "biz_opaque_callback_data", "at most \(maximumCallbackDataLength) characters")
        }
        return data
    }

    private static func callAction(_ body: FieldReader) throws(GraphRequestRejection) -> Operation {
        // Meta's "New call" reference request has no `action`: a body naming a callee and no
        // call is a connect.
        let namesCallee = (body["to"].isPresent || body["recipient"].isPresent) && !body["call_id"].isPresent
        let action = !body["action"].isPresent && namesCallee ? "connect" : try requiredString(body["action"])
        if body["connection"].isPresent {
            throw GraphRequestRejection(.legacyConnectionSDP, parameter: "connection", "use session.sdp, not the legacy connection.webrtc parameter")
        }
        switch action {
        case "connect":
            // `to` wins when both are sent; a BSUID `recipient` stands in for it (spec §11.4).
            let to = body["to"].isPresent || !body["recipient"].isPresent ? try phone(body["to"]) : try requiredString(body["recipient"])
            return .connect(to: to, offerSDP: try sdp(body, .offer), bizOpaqueCallbackData: try callbackData(body))
        case "pre_accept":
            let callID = try self.callID(body)
            return .preAccept(callID: callID, answerSDP: try sdp(body, .answer))
        case "accept":
            let callID = try self.callID(body)
            return .accept(callID: callID, answerSDP: try sdp(body, .answer), bizOpaqueCallbackData: try callbackData(body))
        case "reject":
            return .reject(callID: try callID(body))
        case "terminate":
            return .terminate(callID: try callID(body))
        default:
            throw GraphRequestRejection(.unknownAction, parameter: "action", "expected connect, pre_accept, accept, reject or terminate")
        }
    }

    private static func callID(_ body: FieldReader) throws(GraphRequestRejection) -> String {
        let id = try requiredString(body["call_id"])
        guard id.hasPrefix("wacid."), id.utf8.count > 6 else {
            throw GraphRequestRejection(.invalidCallID, parameter: "call_id", "expected a wacid.… call id")
        }
        return id
    }

    private static func sdp(_ body: FieldReader, _ expected: SDPType) throws(GraphRequestRejection) -> String {
        let session = body["session"]
        guard session.isPresent else {
            throw GraphRequestRejection(.missingParameter, parameter: "session", "session is required")
        }
        guard session.value?.members != nil else {
            throw GraphRequestRejection(.invalidParameter, parameter: "session", "session must be an object")
        }
        let type = try requiredString(session["sdp_type"])
        guard type == expected.rawValue else {
            throw GraphRequestRejection(.wrongSDPType, parameter: "session.sdp_type", "this action carries an \(expected.rawValue), not \"\(type.prefix(16))\"")
        }
        let sdpField = session["sdp"]
        guard sdpField.isPresent else {
            throw GraphRequestRejection(.missingParameter, parameter: "session.sdp", "session.sdp is required")
        }
        guard let sdp = sdpField.value?.string else {
            throw GraphRequestRejection(.doubleEncodedSDP, parameter: "session.sdp", "session.sdp must be the SDP as a plain string")
        }
        if let violation = BusinessSDPRules.violation(in: sdp, type: expected) {
            let rule: GraphRequestRejection.Rule = violation.hasPrefix("sdp must be the SDP text") ? .doubleEncodedSDP : .invalidSDP
            throw GraphRequestRejection(rule, parameter: "session.sdp", violation)
        }
        return sdp
    }

    private static func message(_ body: FieldReader) throws(GraphRequestRejection) -> Operation {
        if let recipientType = try optionalString(body["recipient_type"]), recipientType != "individual" {
            throw GraphRequestRejection(.invalidParameter, parameter: "recipient_type", "only individual recipients are supported")
        }
        // Since 2026 a BSUID `recipient` may stand in for `to`; `to` wins when both are present (spec §9).
        let to = body["to"].isPresent || !body["recipient"].isPresent ? try phone(body["to"]) : try requiredString(body["recipient"])
        switch try requiredString(body["type"]) {
        case "text":
            let text = body["text"]
            guard text.value?.members != nil else {
                throw GraphRequestRejection(.missingParameter, parameter: "text", "text object is required")
            }
            let content = try requiredString(text["body"])
            guard content.count <= maximumTextLength else {
                throw GraphRequestRejection(.textTooLong, parameter: "text.body", "at most \(maximumTextLength) characters, got \(content.count)")
            }
            let previewField = text["preview_url"]
            guard !previewField.isPresent || previewField.value?.bool != nil else {
                throw GraphRequestRejection(.invalidParameter, parameter: "text.preview_url", "text.preview_url must be true or false")
            }
            let replyTo = body["context"].isPresent ? try requiredString(body["context"]["message_id"]) : nil
            return .sendText(to: to, body: content, previewURL: previewField.value?.bool ?? false, replyTo: replyTo)
        case "interactive":
            return .callPermissionRequest(to: to, bodyText: try permissionRequest(body["interactive"]))
        case let other:
            throw GraphRequestRejection(.unsupportedMessageType, parameter: "type", "the fake sends text and interactive only, not \"\(other.prefix(32))\"")
        }
    }

    /// The free-form call permission request (spec §4.2): header and footer are not supported.
    private static func permissionRequest(_ interactive: FieldReader) throws(GraphRequestRejection) -> String? {
        guard interactive.value?.members != nil else {
            throw GraphRequestRejection(.missingParameter, parameter: "interactive", "interactive object is required")
        }
        guard try requiredString(interactive["type"]) == "call_permission_request" else {
            throw GraphRequestRejection(.unsupportedMessageType, parameter: "interactive.type", "only call_permission_request is supported")
        }
        guard try requiredString(interactive["action"]["name"]) == "call_permission_request" else {
            throw GraphRequestRejection(.invalidParameter, parameter: "interactive.action.name", "must be call_permission_request")
        }
        for part in ["header", "footer"] where interactive[part].isPresent {
            throw GraphRequestRejection(.invalidParameter, parameter: "interactive.\(part)", "a free-form call permission request has no \(part)")
        }
        guard interactive["body"].isPresent else { return nil }
        return try requiredString(interactive["body"]["text"])
    }

    private static func permissionsQuery(_ query: Substring?) throws(GraphRequestRejection) -> Operation {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // `recipient` (a BSUID) works instead of `user_wa_id` (spec §11.4).
            guard parts.count == 2, parts[0] == "user_wa_id" || parts[0] == "recipient" else { continue }
            guard let id = percentDecoded(parts[1]), !id.isEmpty else {
                throw GraphRequestRejection(.invalidParameter, parameter: String(parts[0]), "\(parts[0]) is not valid percent-encoding")
            }
            return .callPermissionsQuery(userWaID: id)
        }
        throw GraphRequestRejection(.missingParameter, parameter: "user_wa_id", "user_wa_id is required")
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
