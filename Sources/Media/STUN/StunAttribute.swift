/// One STUN attribute, decoded. Known attributes are typed; the rest are kept as bytes so a
/// message can be re-encoded as it came and so comprehension-required ones can be reported.
public enum StunAttribute: Sendable, Equatable {
    case mappedAddress(SocketAddress)
    case xorMappedAddress(SocketAddress)
    case username(String)
    case realm(String)
    case nonce(String)
    /// The 20-byte HMAC-SHA1 as it appears in the message.
    case messageIntegrity([UInt8])
    /// The HMAC-SHA256, possibly truncated to 16…32 bytes (RFC 8489 §14.6).
    case messageIntegritySHA256([UInt8])
    /// The value as carried, already XORed with 0x5354554e.
    case fingerprint(UInt32)
    case errorCode(code: Int, reason: String)
    case unknownAttributes([UInt16])
    case software(String)
    case priority(UInt32)
    case useCandidate
    case iceControlled(tieBreaker: UInt64)
    case iceControlling(tieBreaker: UInt64)
    case other(type: UInt16, value: [UInt8])

    /// Attribute types (RFC 8489 §18.3, RFC 8445 §16.1).
    public enum Kind {
        public static let mappedAddress: UInt16 = 0x0001
        public static let username: UInt16 = 0x0006
        public static let messageIntegrity: UInt16 = 0x0008
        public static let errorCode: UInt16 = 0x0009
        public static let unknownAttributes: UInt16 = 0x000A
        public static let realm: UInt16 = 0x0014
        public static let nonce: UInt16 = 0x0015
        public static let messageIntegritySHA256: UInt16 = 0x001C
        public static let xorMappedAddress: UInt16 = 0x0020
        public static let priority: UInt16 = 0x0024
        public static let useCandidate: UInt16 = 0x0025
        public static let software: UInt16 = 0x8022
        public static let fingerprint: UInt16 = 0x8028
        public static let iceControlled: UInt16 = 0x8029
        public static let iceControlling: UInt16 = 0x802A
    }

    /// USERNAME is under 513 bytes (RFC 8489 §14.3).
    static let maxUsernameBytes = 512
    /// SOFTWARE, REALM, NONCE and the ERROR-CODE reason are under 128 characters, which
    /// RFC 8489 §14.8–14.10 bounds at 763 bytes.
    static let maxTextBytes = 763
    /// The RFC 8489 §5 magic cookie, also the XOR key for addresses (§14.2).
    static let magicCookie: UInt32 = 0x2112_A442
    /// FINGERPRINT's CRC is XORed with "STUN" (RFC 8489 §14.7).
    static let fingerprintXor: UInt32 = 0x5354_554E

    public var type: UInt16 {
        switch self {
        case .mappedAddress: Kind.mappedAddress
        case .xorMappedAddress: Kind.xorMappedAddress
        case .username: Kind.username
        case .realm: Kind.realm
        case .nonce: Kind.nonce
        case .messageIntegrity: Kind.messageIntegrity
        case .messageIntegritySHA256: Kind.messageIntegritySHA256
        case .fingerprint: Kind.fingerprint
        case .errorCode: Kind.errorCode
        case .unknownAttributes: Kind.unknownAttributes
        case .software: Kind.software
        case .priority: Kind.priority
        case .useCandidate: Kind.useCandidate
        case .iceControlled: Kind.iceControlled
        case .iceControlling: Kind.iceControlling
        case .other(let type, _): type
        }
    }

    /// Types 0x0000–0x7FFF must be understood by the receiver (RFC 8489 §14).
    public static func isComprehensionRequired(_ type: UInt16) -> Bool { type < 0x8000 }

    /// The value bytes, unpadded. XOR-MAPPED-ADDRESS needs the transaction id it is keyed with.
    func value(transactionID: StunTransactionID) -> [UInt8] {
        switch self {
        case .mappedAddress(let address):
            return Self.encodeAddress(address, xorKey: nil)
        case .xorMappedAddress(let address):
            return Self.encodeAddress(address, xorKey: Self.xorKey(transactionID))
        case .username(let text), .realm(let text), .nonce(let text), .software(let text):
            return Array(text.utf8)
        case .messageIntegrity(let bytes), .messageIntegritySHA256(let bytes), .other(_, let bytes):
            return bytes
        case .fingerprint(let value), .priority(let value):
            return Self.bigEndian(UInt64(value), count: 4)
        case .errorCode(let code, let reason):
            return [0, 0, UInt8(truncatingIfNeeded: code / 100 & 0x7), UInt8(truncatingIfNeeded: code % 100)] + Array(reason.utf8)
        case .unknownAttributes(let types):
            return types.flatMap { Self.bigEndian(UInt64($0), count: 2) }
        case .useCandidate:
            return []
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker):
            return Self.bigEndian(tieBreaker, count: 8)
        }
    }

    /// Decodes one attribute's value; unknown types come back as `.other`.
    static func decode(type: UInt16, value: ArraySlice<UInt8>, transactionID: StunTransactionID) throws(StunError) -> StunAttribute {
        let value = Array(value)
        func invalid(_ reason: String) -> StunError { .invalidAttribute(type: type, reason: reason) }
        func exactly(_ count: Int) throws(StunError) {
            guard value.count == count else { throw invalid("length \(value.count), expected \(count)") }
        }
        func text(limit: Int) throws(StunError) -> String {
            guard value.count <= limit else { throw invalid("\(value.count) bytes, at most \(limit) allowed") }
            guard let text = String(validating: value, as: UTF8.self) else { throw invalid("not UTF-8") }
            return text
        }
        switch type {
        case Kind.mappedAddress:
            return .mappedAddress(try decodeAddress(value, type: type, xorKey: nil))
        case Kind.xorMappedAddress:
            return .xorMappedAddress(try decodeAddress(value, type: type, xorKey: xorKey(transactionID)))
        case Kind.username:
            return .username(try text(limit: maxUsernameBytes))
        case Kind.realm:
            return .realm(try text(limit: maxTextBytes))
        case Kind.nonce:
            return .nonce(try text(limit: maxTextBytes))
        case Kind.software:
            // Only informational (RFC 8489 §14.14): a peer's odd bytes or length are no reason
            // to drop its check, so it is read as best it can be.
            return .software(String(decoding: value.prefix(maxTextBytes), as: UTF8.self))
        case Kind.messageIntegrity:
            try exactly(StunHmac.sha1Length)
            return .messageIntegrity(value)
        case Kind.messageIntegritySHA256:
            guard (16...32).contains(value.count), value.count % 4 == 0 else { throw invalid("length \(value.count), expected 16…32 in steps of 4") }
            return .messageIntegritySHA256(value)
        case Kind.fingerprint:
            try exactly(4)
            return .fingerprint(UInt32(readBigEndian(value[...])))
        case Kind.priority:
            try exactly(4)
            return .priority(UInt32(readBigEndian(value[...])))
        case Kind.useCandidate:
            try exactly(0)
            return .useCandidate
        case Kind.iceControlled:
            try exactly(8)
            return .iceControlled(tieBreaker: readBigEndian(value[...]))
        case Kind.iceControlling:
            try exactly(8)
            return .iceControlling(tieBreaker: readBigEndian(value[...]))
        case Kind.errorCode:
            guard value.count >= 4 else { throw invalid("length \(value.count), at least 4 needed") }
            let errorClass = Int(value[2] & 0x7)
            let number = Int(value[3])
            guard (3...6).contains(errorClass), number < 100 else { throw invalid("code \(errorClass * 100 + number) outside 300–699") }
            let reasonBytes = Array(value[4...])
            guard reasonBytes.count <= maxTextBytes else { throw invalid("reason longer than \(maxTextBytes) bytes") }
            guard let reason = String(validating: reasonBytes, as: UTF8.self) else { throw invalid("reason not UTF-8") }
            return .errorCode(code: errorClass * 100 + number, reason: reason)
        case Kind.unknownAttributes:
            guard value.count % 2 == 0 else { throw invalid("odd length \(value.count)") }
            return .unknownAttributes(stride(from: 0, to: value.count, by: 2).map { UInt16(value[$0]) << 8 | UInt16(value[$0 + 1]) })
        default:
            return .other(type: type, value: value)
        }
    }

    /// The XOR key for addresses: the magic cookie followed by the transaction id (RFC 8489 §14.2).
    private static func xorKey(_ transactionID: StunTransactionID) -> [UInt8] {
        bigEndian(UInt64(magicCookie), count: 4) + transactionID.bytes
    }

    private static let familyIPv4: UInt8 = 0x01
    private static let familyIPv6: UInt8 = 0x02

    private static func encodeAddress(_ address: SocketAddress, xorKey: [UInt8]?) -> [UInt8] {
        var port = address.port
        var bytes = address.addressBytes
        if let xorKey {
            port ^= UInt16(magicCookie >> 16)
            for index in bytes.indices { bytes[index] ^= xorKey[index] }
        }
        return [0, address.isIPv4 ? familyIPv4 : familyIPv6, UInt8(port >> 8), UInt8(port & 0xFF)] + bytes
    }

    private static func decodeAddress(_ value: [UInt8], type: UInt16, xorKey: [UInt8]?) throws(StunError) -> SocketAddress {
        guard value.count >= 4 else { throw .invalidAttribute(type: type, reason: "address of \(value.count) bytes") }
        let family = value[1]
        let expected: Int
        switch family {
        case familyIPv4: expected = 8
        case familyIPv6: expected = 20
        default: throw .invalidAttribute(type: type, reason: "unknown address family \(family)")
        }
        guard value.count == expected else { throw .invalidAttribute(type: type, reason: "length \(value.count) for family \(family), expected \(expected)") }
        var port = UInt16(value[2]) << 8 | UInt16(value[3])
        var bytes = Array(value[4...])
        if let xorKey {
            port ^= UInt16(magicCookie >> 16)
            for index in bytes.indices { bytes[index] ^= xorKey[index] }
        }
        guard let address = SocketAddress(addressBytes: bytes, port: port) else {
            throw .invalidAttribute(type: type, reason: "address of \(bytes.count) bytes")
        }
        return address
    }

    static func bigEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
    }

    static func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
