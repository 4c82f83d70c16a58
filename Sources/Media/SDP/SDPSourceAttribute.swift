/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1): what a sender says about one
/// of its RTP sources, such as its `cname`.
public struct SDPSourceAttribute: Equatable, Sendable {
    public let ssrc: UInt32
    public let attribute: String
    public let value: String?

    public init(ssrc: UInt32, attribute: String, value: String?) {
        self.ssrc = ssrc
        self.attribute = attribute
        self.value = value
    }

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPSourceAttribute {
        guard let (id, rest) = SDPText.split(value, at: UInt8(ascii: " ")), let ssrc = SDPText.number(id, as: UInt32.self) else {
            throw SDPError(.badAttribute, line: line, "expected a=ssrc:<32-bit ssrc> <attribute>[:<value>], found \(SDPText.quoted(value))")
        }
        if let (name, attributeValue) = SDPText.split(rest, at: UInt8(ascii: ":")) {
            guard SDPText.isToken(name) else {
                throw SDPError(.badAttribute, line: line, "expected an ssrc attribute name, found \(SDPText.quoted(name))")
            }
            return SDPSourceAttribute(ssrc: ssrc, attribute: String(name), value: String(attributeValue))
        }
        guard SDPText.isToken(rest) else {
            throw SDPError(.badAttribute, line: line, "expected an ssrc attribute name, found \(SDPText.quoted(rest))")
        }
        return SDPSourceAttribute(ssrc: ssrc, attribute: String(rest), value: nil)
    }
}
