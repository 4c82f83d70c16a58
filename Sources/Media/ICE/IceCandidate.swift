/// How a candidate was learned (RFC 8445 §5.1.1), with its type preference (§5.1.2.2).
public enum IceCandidateType: String, Sendable, Equatable {
    case host, srflx, prflx, relay

    /// RFC 8445 §5.1.2.2 recommended values.
    public var typePreference: UInt32 {
        switch self {
        case .host: 126
        case .prflx: 110
        case .srflx: 100
        case .relay: 0
        }
    }
}

/// One ICE candidate (RFC 8445 §5.1), UDP only, component 1 only (rtcp-mux).
public struct IceCandidate: Sendable, Hashable, CustomStringConvertible {
    public var foundation: String
    public var component: Int
    public var priority: UInt32
    public var address: SocketAddress
    public var type: IceCandidateType
    /// The base for srflx/prflx candidates (RFC 8839 §5.1 raddr/rport).
    public var relatedAddress: SocketAddress?

    /// RTP, which also carries RTCP here (rtcp-mux).
    public static let rtpComponent = 1
    /// The highest local preference (RFC 8445 §5.1.2.1).
    public static let maxLocalPreference: UInt32 = 65_535

    public init(foundation: String, component: Int = rtpComponent, priority: UInt32, address: SocketAddress, type: IceCandidateType, relatedAddress: SocketAddress? = nil) {
        self.foundation = foundation
        self.component = component
        self.priority = priority
        self.address = address
        self.type = type
        self.relatedAddress = relatedAddress
    }

    /// A candidate with its priority computed from type and local preference, and a
    /// foundation derived from type and base address so equal bases share it (RFC 8445 §5.1.1.3).
    public init(type: IceCandidateType, address: SocketAddress, localPreference: UInt32 = maxLocalPreference, relatedAddress: SocketAddress? = nil) {
        let base = relatedAddress ?? address
        self.init(foundation: Self.foundation(type: type, base: base),
                  priority: Self.priority(type: type, localPreference: localPreference, component: Self.rtpComponent),
                  address: address, type: type, relatedAddress: relatedAddress)
    }

    /// priority = 2^24·type preference + 2^8·local preference + (256 − component) (RFC 8445 §5.1.2.1).
    public static func priority(type: IceCandidateType, localPreference: UInt32, component: Int) -> UInt32 {
        let componentTerm = UInt32(max(0, min(255, 256 - component)))
        return type.typePreference << 24 | (localPreference & 0xFFFF) << 8 | componentTerm
    }

    /// The local preference bits of this candidate's priority, reused for the PRIORITY a check
    /// carries (RFC 8445 §7.1.1).
    public var localPreference: UInt32 { priority >> 8 & 0xFFFF }

    /// FNV-1a of type and base IP, in decimal: stable across runs, at most 10 ice-chars.
    static func foundation(type: IceCandidateType, base: SocketAddress) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in Array(type.rawValue.utf8) + base.addressBytes {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return String(hash)
    }

    // MARK: SDP (RFC 8839 §5.1)

    /// The value of an `a=candidate:` line, without the `a=candidate:` prefix.
    public var sdpValue: String {
        var text = "\(foundation) \(component) udp \(priority) \(address.ipText) \(address.port) typ \(type.rawValue)"
        if let relatedAddress {
            text += " raddr \(relatedAddress.ipText) rport \(relatedAddress.port)"
        }
        return text
    }

    public var description: String { "candidate:" + sdpValue }

    /// Parses an `a=candidate` value (with or without the `candidate:` prefix); extension
    /// attributes such as Meta's `generation`, `network-cost` and `ufrag` are skipped.
    public init(sdpValue: String) throws(IceError) {
        var text = Substring(sdpValue)
        if text.hasPrefix("a=") { text = text.dropFirst(2) }
        if text.hasPrefix("candidate:") { text = text.dropFirst("candidate:".count) }
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8, fields[6] == "typ" else { throw .invalidCandidate("expected `foundation component transport priority address port typ type`") }
        let foundation = String(fields[0])
        guard (1...32).contains(foundation.utf8.count), foundation.utf8.allSatisfy(IceCredentials.iceChars.contains) else {
            throw .invalidCandidate("foundation \(foundation)")
        }
        guard let component = Int(fields[1]), (1...256).contains(component) else { throw .invalidCandidate("component \(fields[1])") }
        guard component == Self.rtpComponent else { throw .unsupportedComponent(component) }
        guard fields[2].lowercased() == "udp" else { throw .unsupportedTransport(String(fields[2])) }
        guard let priority = UInt32(fields[3]), priority > 0 else { throw .invalidCandidate("priority \(fields[3])") }
        guard let port = UInt16(fields[5]) else { throw .invalidCandidate("port \(fields[5])") }
        guard let address = SocketAddress(ipText: String(fields[4]), port: port) else {
            throw .invalidCandidate("address \(fields[4]) is not an IP literal")
        }
        guard let type = IceCandidateType(rawValue: String(fields[7])) else { throw .invalidCandidate("type \(fields[7])") }
        var relatedIP: Substring?
        var relatedPort: UInt16?
        var index = 8
        while index + 1 < fields.count {
            switch fields[index] {
            case "raddr": relatedIP = fields[index + 1]
            case "rport": relatedPort = UInt16(fields[index + 1])
            default: break
            }
            index += 2
        }
        var related: SocketAddress?
        if let relatedIP, let relatedPort {
            related = SocketAddress(ipText: String(relatedIP), port: relatedPort)
        }
        self.init(foundation: foundation, component: component, priority: priority, address: address, type: type, relatedAddress: related)
    }
}
