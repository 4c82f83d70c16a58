/// `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285 §5): an RTP header extension
/// the sender may use. Callbox never answers with extensions; it reads them to know what the
/// peer may put in its packets.
public struct SDPExtmap: Equatable, Sendable {
    public let id: UInt16
    public let direction: SDPDirection?
    public let uri: String
    public let attributes: String?

    public init(id: UInt16, direction: SDPDirection?, uri: String, attributes: String?) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.attributes = attributes
    }

    /// RFC 8285 §5: 1–14 one-byte, 1–255 two-byte header ids; 4096–4351 only in offers.
    static let validIDs: [ClosedRange<UInt16>] = [1...255, 4096...4351]

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPExtmap {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else {
            throw SDPError(.badAttribute, line: line, "expected a=extmap:<id>[/<direction>] <uri>, found \(SDPText.quoted(value))")
        }
        let (idText, directionText) = SDPText.split(fields[0], at: UInt8(ascii: "/")).map { ($0.0, Optional($0.1)) } ?? (fields[0], nil)
        guard let id = SDPText.number(idText, as: UInt16.self), validIDs.contains(where: { $0.contains(id) }) else {
            throw SDPError(.badAttribute, line: line, "expected an extmap id of 1 to 255 or 4096 to 4351, found \(SDPText.quoted(idText))")
        }
        var direction: SDPDirection?
        if let directionText {
            guard let parsed = SDPDirection(rawValue: String(directionText)) else {
                throw SDPError(.badAttribute, line: line, "expected an extmap direction sendrecv|sendonly|recvonly|inactive, found \(SDPText.quoted(directionText))")
            }
            direction = parsed
        }
        guard SDPText.isNonWhitespace(fields[1]) else {
            throw SDPError(.badAttribute, line: line, "expected an extmap URI, found \(SDPText.quoted(fields[1]))")
        }
        let attributes = fields.count > 2 ? fields[2...].joined(separator: " ") : nil
        return SDPExtmap(id: id, direction: direction, uri: String(fields[1]), attributes: attributes)
    }
}
