/// `a=fmtp:<payload type> <parameters>` (RFC 8866 §6.15). The parameters are codec-specific
/// and passed on as written; the Opus ones are listed in RFC 7587 §6.1.
public struct SDPFormatParameters: Equatable, Sendable {
    public let payloadType: UInt8
    public let parameters: String

    public init(payloadType: UInt8, parameters: String) {
        self.payloadType = payloadType
        self.parameters = parameters
    }

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPFormatParameters {
        let (format, rest) = SDPText.split(value, at: UInt8(ascii: " ")) ?? (value, value[value.endIndex...])
        let payloadType = try SDPRTPMap.parsePayloadType(format, line: line)
        return SDPFormatParameters(payloadType: payloadType, parameters: String(rest))
    }
}
