/// One ICE candidate, `a=candidate:` (RFC 8839 §5.1; `tcptype` from RFC 6544 §4.5).
/// The address stays text: an IPv4 or IPv6 literal, or a host name such as the mDNS
/// `<uuid>.local` names browsers use to hide LAN addresses.
public struct SDPCandidate: Equatable, Sendable {
    public enum Transport: String, Equatable, Sendable {
        case udp
        case tcp
    }

    public enum CandidateType: String, Equatable, Sendable {
        case host
        case srflx
        case prflx
        case relay
    }

    public enum TCPType: String, Equatable, Sendable {
        case active
        case passive
        case so
    }

    public enum AddressKind: Equatable, Sendable {
        case ipv4
        case ipv6
        /// A `.local` name to resolve with multicast DNS.
        case mdns
        case hostName
    }

    /// An attribute RFC 8839 leaves open (`generation 0`, `network-cost 50`, `ufrag …`), kept as written.
    public struct Extension: Equatable, Sendable {
        public let name: String
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var foundation: String
    public var component: UInt16
    public var transport: Transport
    public var priority: UInt32
    public var address: String
    public var port: UInt16
    public var type: CandidateType
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    public var tcpType: TCPType?
    public var extensions: [Extension]

    public init(
        foundation: String, component: UInt16, transport: Transport, priority: UInt32, address: String, port: UInt16,
        type: CandidateType, relatedAddress: String? = nil, relatedPort: UInt16? = nil, tcpType: TCPType? = nil,
        extensions: [Extension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.tcpType = tcpType
        self.extensions = extensions
    }

    /// RFC 8839 §5.1: `foundation = 1*32ice-char`, `component-id = 1*3DIGIT` (1 to 256 per RFC 8445 §5.1.2.1).
    static let maxFoundationLength = 32
    static let componentRange: ClosedRange<UInt16> = 1...256

    public var addressKind: AddressKind {
        SDPCandidate.addressKind(Substring(address)) ?? .hostName
    }

    /// The attribute value after `a=candidate:`, in RFC 8839 §5.1 order.
    public var attributeValue: String {
        var text = "\(foundation) \(component) \(transport.rawValue) \(priority) \(address) \(port) typ \(type.rawValue)"
        if let relatedAddress { text += " raddr \(relatedAddress)" }
        if let relatedPort { text += " rport \(relatedPort)" }
        if let tcpType { text += " tcptype \(tcpType.rawValue)" }
        for item in extensions { text += " \(item.name) \(item.value)" }
        return text
    }

    /// Parses the value of an `a=candidate:` attribute; `line` only labels errors.
    public static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPCandidate {
        let fields = SDPText.fields(value)
        guard fields.count >= 8 else {
            throw SDPError(.badCandidate, line: line, "expected <foundation> <component> <transport> <priority> <address> <port> typ <type>, found \(fields.count) fields")
        }
        let foundation = fields[0]
        // Foundations are compared, never interpreted, so any visible ASCII is taken (the same
        // leniency as for ICE credentials, whose base64 Meta pads with `=`).
        guard foundation.utf8.count <= maxFoundationLength, SDPText.isPrintableASCII(foundation) else {
            throw SDPError(.badCandidate, line: line, "expected a foundation of 1 to 32 visible characters, found \(SDPText.quoted(foundation))")
        }
        guard fields[1].utf8.count <= 3, let component = SDPText.number(fields[1], as: UInt16.self), componentRange.contains(component) else {
            throw SDPError(.badCandidate, line: line, "expected a component id of 1 to 256, found \(SDPText.quoted(fields[1]))")
        }
        // RFC 8839 §5.1: the transport token is case-insensitive (Firefox writes UDP, Chrome udp).
        guard let transport = Transport(rawValue: fields[2].lowercased()) else {
            throw SDPError(.badCandidate, line: line, "expected transport udp or tcp, found \(SDPText.quoted(fields[2]))")
        }
        guard fields[3].utf8.count <= 10, let priority = SDPText.number(fields[3], as: UInt32.self), priority > 0 else {
            throw SDPError(.badCandidate, line: line, "expected a priority of 1 to 4294967295, found \(SDPText.quoted(fields[3]))")
        }
        let address = try parseAddress(fields[4], line: line)
        let port = try parsePort(fields[5], line: line)
        guard fields[6] == "typ" else {
            throw SDPError(.badCandidate, line: line, "expected \"typ\" after the port, found \(SDPText.quoted(fields[6]))")
        }
        guard let type = CandidateType(rawValue: String(fields[7])) else {
            throw SDPError(.badCandidate, line: line, "expected candidate type host|srflx|prflx|relay, found \(SDPText.quoted(fields[7]))")
        }
        var candidate = SDPCandidate(foundation: String(foundation), component: component, transport: transport, priority: priority, address: address, port: port, type: type)
        var index = 8
        while index < fields.count {
            guard index + 1 < fields.count else {
                throw SDPError(.badCandidate, line: line, "expected a value after \(SDPText.quoted(fields[index]))")
            }
            let name = fields[index]
            let value = fields[index + 1]
            switch name {
            case "raddr":
                guard candidate.relatedAddress == nil else { throw SDPError(.badCandidate, line: line, "expected one raddr, found two") }
                candidate.relatedAddress = try parseAddress(value, line: line)
            case "rport":
                guard candidate.relatedPort == nil else { throw SDPError(.badCandidate, line: line, "expected one rport, found two") }
                candidate.relatedPort = try parsePort(value, line: line)
            case "tcptype":
                guard candidate.tcpType == nil, let tcpType = TCPType(rawValue: String(value)) else {
                    throw SDPError(.badCandidate, line: line, "expected one tcptype active|passive|so, found \(SDPText.quoted(value))")
                }
                candidate.tcpType = tcpType
            default:
                guard SDPText.isToken(name), SDPText.isNonWhitespace(value) else {
                    throw SDPError(.badCandidate, line: line, "expected an extension name and value, found \(SDPText.quoted(name)) \(SDPText.quoted(value))")
                }
                candidate.extensions.append(Extension(name: String(name), value: String(value)))
            }
            index += 2
        }
        return candidate
    }

    private static func parseAddress(_ text: Substring, line: Int) throws(SDPError) -> String {
        guard addressKind(text) != nil else {
            throw SDPError(.badCandidate, line: line, "expected an IPv4 or IPv6 address or a host name, found \(SDPText.quoted(text))")
        }
        return String(text)
    }

    private static func parsePort(_ text: Substring, line: Int) throws(SDPError) -> UInt16 {
        guard let port = SDPText.number(text, as: UInt16.self) else {
            throw SDPError(.badCandidate, line: line, "expected a port of 0 to 65535, found \(SDPText.quoted(text))")
        }
        return port
    }

    private static func addressKind(_ text: Substring) -> AddressKind? {
        if SDPText.isIPv4(text) { return .ipv4 }
        if SDPText.isIPv6(text) { return .ipv6 }
        guard SDPText.isHostName(text) else { return nil }
        return text.lowercased().hasSuffix(".local") ? .mdns : .hostName
    }
}
