import Runtime

/// Why an incoming Graph request would be refused by Meta, naming the rule broken. The fake
/// Graph API answers it with Meta's error envelope (spec §8) built by `envelope`.
public struct GraphRequestRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: Rule
    /// The body field or path part at fault, e.g. `session.sdp`.
    public var parameter: String?
    public var message: String

    public enum Rule: String, Sendable, Equatable {
        case unknownPath
        case unsupportedVersion
        case methodNotAllowed
        case missingAccessToken
        case malformedJSON
        case missingParameter
        case invalidParameter
        case wrongMessagingProduct
        case unknownAction
        case invalidCallID
        case wrongSDPType
        case doubleEncodedSDP
        case legacyConnectionSDP
        case invalidSDP
        case callbackDataTooLong
        case textTooLong
        case unsupportedMessageType
    }

    public init(_ rule: Rule, parameter: String? = nil, _ message: String) {
        self.rule = rule
        self.parameter = parameter
        self.message = message
    }

    public var description: String {
        parameter.map { "\(rule.rawValue) (\($0)): \(message)" } ?? "\(rule.rawValue): \(message)"
    }

    /// Meta's code for this refusal: 190 for auth, 131008 for a missing parameter, 131009 for
    /// a bad value, 100 for everything Meta reports as an invalid request (incl. SDP).
    public var metaCode: Int64 {
        switch rule {
        case .missingAccessToken: 190
        case .missingParameter: 131008
        case .invalidParameter, .wrongMessagingProduct, .unknownAction, .invalidCallID, .callbackDataTooLong,
             .textTooLong, .unsupportedMessageType: 131009
        case .unknownPath, .unsupportedVersion, .methodNotAllowed, .malformedJSON, .wrongSDPType, .doubleEncodedSDP,
             .legacyConnectionSDP, .invalidSDP: 100
        }
    }

    public var httpStatus: Int {
        switch rule {
        case .missingAccessToken: 401
        case .unknownPath: 404
        default: 400
        }
    }

    /// Meta's wording for the code's family.
    private var summary: String {
        switch metaCode {
        case 190: "Invalid OAuth access token"
        case 131008: "Required parameter is missing"
        case 131009: "Parameter value is not valid"
        default: "Invalid parameter"
        }
    }

    /// The error body Meta would send, with the rule's message in `error_data.details`.
    public func envelope(fbtraceID: String) -> [UInt8] {
        let type = rule == .missingAccessToken ? "OAuthException" : "GraphMethodException"
        return JSONWriter.encode([
            "error": [
                "message": .string("(#\(metaCode)) \(summary)"),
                "type": .string(type),
                "code": .integer(metaCode),
                "error_data": ["messaging_product": "whatsapp", "details": .string(description)],
                "fbtrace_id": .string(fbtraceID),
            ],
        ])
    }
}
