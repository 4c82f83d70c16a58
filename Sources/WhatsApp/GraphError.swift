import Runtime

/// A Graph API failure (spec §8): Meta's error envelope read into fields, plus the `kind` the
/// daemon acts on. Meta says to key logic on `code` and `details`, never on titles.
public struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    public var httpStatus: Int
    public var code: Int64?
    public var subcode: Int64?
    /// The envelope's `message`, or the trimmed body when it was not an envelope.
    public var message: String
    public var type: String?
    /// `error_data.details`: the most specific description (SDP problems are named here).
    public var details: String?
    public var userTitle: String?
    public var userMessage: String?
    /// Quoted to Meta support.
    public var fbtraceID: String?
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        /// Token expired or invalid, permission missing, calling not enabled: an installer must act.
        case auth
        /// Back off and retry later.
        case rateLimited
        /// No approved call permission for this user (138006).
        case noPermission
        case invalidSDP
        /// A call with this user is already ongoing (138003).
        case duplicateCall
        /// The call is unknown or already over at Meta: end it locally, do not retry.
        case callNotFound
        /// Permission requests exhausted (138009) or a permanent permission exists (138017).
        case permissionRequestLimit
        /// Outside the 24-hour customer service window (131047): only templates may be sent.
        case windowClosed
        /// A 2xx response without what the request promises (e.g. no call id after connect).
        case malformedResponse
        case other
    }

    /// Longest raw body kept when the body is not an error envelope; enough for an HTML error page's gist.
    public static let maximumRawMessageLength = 512

    public init(httpStatus: Int, code: Int64? = nil, subcode: Int64? = nil, message: String, type: String? = nil,
                details: String? = nil, userTitle: String? = nil, userMessage: String? = nil, fbtraceID: String? = nil, kind: Kind) {
        self.httpStatus = httpStatus
        self.code = code
        self.subcode = subcode
        self.message = message
        self.type = type
        self.details = details
        self.userTitle = userTitle
        self.userMessage = userMessage
        self.fbtraceID = fbtraceID
        self.kind = kind
    }

    /// Reads a non-2xx response. A body that is not Meta's envelope (a proxy's HTML page, an
    /// empty body) becomes `message` as trimmed text, classified by HTTP status alone.
    public init(httpStatus: Int, body: [UInt8]) {
        guard let document = try? JSONParser.parse(body), let error = document["error"], error.members != nil else {
            let text = Self.trimmed(String(decoding: body, as: UTF8.self))
            self.init(httpStatus: httpStatus, message: text, kind: Self.classify(httpStatus: httpStatus, code: nil, text: ""))
            return
        }
        let code = Self.integer(error["code"])
        let message = error["message"]?.string ?? ""
        let details = error["error_data"]?["details"]?.string
        self.init(
            httpStatus: httpStatus, code: code, subcode: Self.integer(error["error_subcode"]), message: message,
            type: error["type"]?.string, details: details,
            userTitle: error["error_user_title"]?.string, userMessage: error["error_user_msg"]?.string,
            fbtraceID: error["fbtrace_id"]?.string,
            kind: Self.classify(httpStatus: httpStatus, code: code, text: message + "\n" + (details ?? "")))
    }

    public var description: String {
        var text = "Graph HTTP \(httpStatus)"
        if let code { text += " code \(code)" }
        if let subcode { text += "/\(subcode)" }
        text += ": \(message)"
        if let details { text += " (\(details))" }
        if let fbtraceID { text += " fbtrace_id=\(fbtraceID)" }
        return text
    }

    /// Codes from spec §8. Meta gives no codes for "invalid call id" and "user already
    /// terminated" (§3.1, §3.3), so `callNotFound` is recognised from the message and details:
    /// a call id called invalid/unknown/not found, or a call said to be already ended.
    /// SDP problems come as code 100 naming the SDP in the details, or as a message Meta is
    /// known to send for them whatever the code.
    static func classify(httpStatus: Int, code: Int64?, text: String) -> Kind {
        switch code ?? -1 {
        case 0, 10, 190, 200...299, 138000: return .auth
        case 4, 613, 80007, 130429, 131056, 138002, 138005: return .rateLimited
        case 138006: return .noPermission
        case 138003: return .duplicateCall
        case 138009, 138017: return .permissionRequestLimit
        case 131047: return .windowClosed
        default: break
        }
        let lowered = text.lowercased()
        if knownSDPMessages.contains(where: lowered.contains) { return .invalidSDP }
        let namesCall = lowered.contains("call id") || lowered.contains("call_id") || lowered.contains("wacid")
        let saysMissing = ["invalid", "unknown", "not found", "does not exist"].contains(where: lowered.contains)
        let saysEnded = lowered.contains("already") && ["terminated", "ended", "completed", "rejected"].contains(where: lowered.contains)
        if (namesCall && saysMissing) || saysEnded { return .callNotFound }
        if code == 100 && ["sdp", "fingerprint", "ice-ufrag", "ice-pwd"].contains(where: lowered.contains) { return .invalidSDP }
        if httpStatus == 429 { return .rateLimited }
        return .other
    }

    /// Phrases Meta uses for SDP it refused (FAQ, troubleshooting, public implementations).
    private static let knownSDPMessages = ["no fingerprint found in sdp", "invalid sdp", "sdp mismatch", "sdp validation"]

    private static func integer(_ value: JSONValue?) -> Int64? {
        if let number = value?.int64 { return number }
        return value?.string.flatMap { Int64($0) }
    }

    static func trimmed(_ text: String) -> String {
        String(text.trimmed().prefix(maximumRawMessageLength))
    }
}
