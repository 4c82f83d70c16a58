/// A parsed session description (RFC 8866) with the WebRTC attributes Callbox uses
/// (RFC 8829 JSEP, RFC 8839 ICE, RFC 8842 DTLS, RFC 8843 BUNDLE) read into typed values.
/// Unknown attributes are kept and ignored; the attributes we act on are checked strictly.
public struct SessionDescription: Equatable, Sendable {
    public let origin: SDPOrigin
    public let sessionName: String
    public let connection: SDPConnection?
    /// Session-level attributes in order.
    public let attributes: [SDPAttribute]
    /// Every session-level line in order, from `v=` to the line before the first `m=`.
    public let lines: [SDPLine]
    public let mediaSections: [SDPMediaSection]
    /// `a=ice-lite` at session level (RFC 8839 §5.3): the peer never sends checks; Meta is lite.
    public let iceLite: Bool
    /// The mids of the first `a=group:BUNDLE` (RFC 8843 §7.1); empty without one.
    public let groupBundle: [String]
    public let iceUfrag: String?
    public let icePwd: String?
    public let fingerprints: [SDPFingerprint]
    public let setup: SDPSetupRole?

    /// RFC 8866 type letters, in the order §5 lists them; anything else is refused.
    private static let sessionLineTypes: Set<UInt8> = Set("vosiuepcbtrzka".utf8)
    private static let mediaLineTypes: Set<UInt8> = Set("icbka".utf8)

    /// The first audio section that is not rejected (port 0 marks a rejected section, RFC 3264 §6).
    public var audioSection: SDPMediaSection? {
        mediaSections.first { $0.kind == "audio" && $0.port != 0 }
    }

    public static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        let lines = SDPText.lines(text)
        guard let first = lines.first else {
            throw SDPError(.empty, line: 1, "expected v=0 as the first line, found no lines")
        }
        guard first.content.utf8.starts(with: "v=".utf8) else {
            throw SDPError(.missingVersion, line: first.number, "expected v=0 as the first line, found \(SDPText.quoted(first.content))")
        }
        var session = SDPAttributeScan()
        var sessionLines: [SDPLine] = []
        var origin: SDPOrigin?
        var sessionName: String?
        var sessionConnection: SDPConnection?
        var sections: [SDPMediaSection] = []
        var open: (mediaLine: Substring, line: Int, lines: [SDPLine], scan: SDPAttributeScan, connection: SDPConnection?)?

        for (number, content) in lines {
            let bytes = content.utf8
            guard bytes.count >= 2, let type = bytes.first, type >= UInt8(ascii: "a"), type <= UInt8(ascii: "z"),
                  bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "=") else {
                throw SDPError(.malformedLine, line: number, "expected <letter>=<value>, found \(SDPText.quoted(content))")
            }
            let value = content[bytes.index(bytes.startIndex, offsetBy: 2)...]
            let line = SDPLine(type: Character(Unicode.Scalar(type)), value: String(value), line: number)
            if type == UInt8(ascii: "m") {
                if let section = open {
                    sections.append(try SDPMediaSection(mediaLine: section.mediaLine, line: section.line, lines: section.lines, scan: section.scan, session: session, connection: section.connection ?? sessionConnection))
                }
                open = (value, number, [line], SDPAttributeScan(), nil)
                continue
            }
            if var section = open {
                guard mediaLineTypes.contains(type) else {
                    let known = sessionLineTypes.contains(type)
                    throw SDPError(known ? .misplacedLine : .unknownLineType, line: number,
                                   known ? "expected \(line.type)= before the first m= line" : "expected a line type RFC 8866 defines, found \(line.type)=")
                }
                section.lines.append(line)
                if type == UInt8(ascii: "a") {
                    try section.scan.absorb(value, line: number)
                } else if type == UInt8(ascii: "c") {
                    guard section.connection == nil else {
                        throw SDPError(.misplacedLine, line: number, "expected one c= line per media section, found another")
                    }
                    section.connection = try SDPConnection.parse(value, line: number)
                }
                open = section
                continue
            }
            guard sessionLineTypes.contains(type) else {
                throw SDPError(.unknownLineType, line: number, "expected a line type RFC 8866 defines, found \(line.type)=")
            }
            sessionLines.append(line)
            switch type {
            case UInt8(ascii: "v"):
                guard number == first.number else {
                    throw SDPError(.misplacedLine, line: number, "expected v= only as the first line")
                }
                guard value == "0" else {
                    throw SDPError(.unsupportedVersion, line: number, "expected v=0, found v=\(SDPText.quoted(value))")
                }
            case UInt8(ascii: "o"):
                guard origin == nil else { throw SDPError(.misplacedLine, line: number, "expected one o= line, found another") }
                origin = try SDPOrigin.parse(value, line: number)
            case UInt8(ascii: "s"):
                guard sessionName == nil else { throw SDPError(.misplacedLine, line: number, "expected one s= line, found another") }
                sessionName = String(value)
            case UInt8(ascii: "c"):
                guard sessionConnection == nil else { throw SDPError(.misplacedLine, line: number, "expected one session-level c= line, found another") }
                sessionConnection = try SDPConnection.parse(value, line: number)
            case UInt8(ascii: "a"):
                try session.absorb(value, line: number)
            default:
                continue
            }
        }
        if let section = open {
            sections.append(try SDPMediaSection(mediaLine: section.mediaLine, line: section.line, lines: section.lines, scan: section.scan, session: session, connection: section.connection ?? sessionConnection))
        }
        guard let origin else {
            throw SDPError(.missingOrigin, line: first.number, "expected an o= line after v=0, found none")
        }
        guard let sessionName else {
            throw SDPError(.missingSessionName, line: first.number, "expected an s= line after o=, found none")
        }
        return SessionDescription(
            origin: origin, sessionName: sessionName, connection: sessionConnection, attributes: session.attributes,
            lines: sessionLines, mediaSections: sections, iceLite: session.iceLite, groupBundle: session.bundle ?? [],
            iceUfrag: session.iceUfrag, icePwd: session.icePwd, fingerprints: session.fingerprints, setup: session.setup)
    }
}
