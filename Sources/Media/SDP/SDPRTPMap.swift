/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]` (RFC 8866 §6.6).
public struct SDPRTPMap: Equatable, Sendable {
    public let payloadType: UInt8
    /// As written; compare case-insensitively (RFC 4855 §3: media subtype names are case-insensitive).
    public let encodingName: String
    public let clockRate: UInt32
    public let channels: UInt8?

    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8?) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// RFC 3551 §3: dynamic and static payload types fit in 7 bits.
    static let maxPayloadType: UInt8 = 127

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPRTPMap {
        let fields = SDPText.fields(value)
        guard fields.count == 2 else {
            throw SDPError(.badAttribute, line: line, "expected a=rtpmap:<payload type> <encoding>/<clock rate>[/<channels>], found \(fields.count) fields")
        }
        let payloadType = try parsePayloadType(fields[0], line: line)
        let parts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, SDPText.isToken(parts[0]) else {
            throw SDPError(.badAttribute, line: line, "expected <encoding>/<clock rate>[/<channels>] in a=rtpmap, found \(SDPText.quoted(fields[1]))")
        }
        guard let clockRate = SDPText.number(parts[1], as: UInt32.self), clockRate > 0 else {
            throw SDPError(.badAttribute, line: line, "expected a positive clock rate in a=rtpmap, found \(SDPText.quoted(parts[1]))")
        }
        var channels: UInt8?
        if parts.count == 3 {
            guard let count = SDPText.number(parts[2], as: UInt8.self), count > 0 else {
                throw SDPError(.badAttribute, line: line, "expected a channel count of 1 to 255 in a=rtpmap, found \(SDPText.quoted(parts[2]))")
            }
            channels = count
        }
        return SDPRTPMap(payloadType: payloadType, encodingName: String(parts[0]), clockRate: clockRate, channels: channels)
    }

    static func parsePayloadType(_ text: Substring, line: Int) throws(SDPError) -> UInt8 {
        guard let payloadType = SDPText.number(text, as: UInt8.self), payloadType <= maxPayloadType else {
            throw SDPError(.badAttribute, line: line, "expected a payload type of 0 to 127, found \(SDPText.quoted(text))")
        }
        return payloadType
    }

    func names(_ encoding: String, clockRate: UInt32) -> Bool {
        encodingName.lowercased() == encoding && self.clockRate == clockRate
    }
}
