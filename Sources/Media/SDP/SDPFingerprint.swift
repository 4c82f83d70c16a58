/// `a=fingerprint:<hash-func> <colon hex>` (RFC 8122 §5): the digest of the peer's DTLS
/// certificate, which the DTLS layer compares with the certificate it receives.
public struct SDPFingerprint: Equatable, Sendable {
    /// Lower-case hash function name as in the IANA "Hash Function Textual Names" registry.
    public let algorithm: String
    public let bytes: [UInt8]

    /// The one algorithm Meta handles (spec §6.1), and the one we send.
    public static let sha256 = "sha-256"

    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Digest lengths in bytes of the registered algorithms (RFC 8122 §5, IANA registry);
    /// a fingerprint of one of these with another length cannot match any certificate.
    static let digestLengths: [String: Int] = [
        "md2": 16, "md5": 16, "sha-1": 20, "sha-224": 28, "sha-256": 32, "sha-384": 48, "sha-512": 64,
    ]

    /// Algorithms OpenSSL can check, weakest first. MD2/MD5 are left out: RFC 8122 §5 forbids them.
    static let supportedByStrength = ["sha-1", "sha-224", "sha-256", "sha-384", "sha-512"]

    /// Upper-case colon hex, the form RFC 8122 §5 writes.
    public var hex: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The attribute value: `<algorithm> <colon hex>`.
    public var attributeValue: String { "\(algorithm) \(hex)" }

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPFingerprint {
        let fields = SDPText.fields(value)
        guard fields.count == 2 else {
            throw SDPError(.badFingerprint, line: line, "expected a=fingerprint:<hash-func> <colon hex>, found \(fields.count) fields")
        }
        guard SDPText.isToken(fields[0]) else {
            throw SDPError(.badFingerprint, line: line, "expected a hash function name, found \(SDPText.quoted(fields[0]))")
        }
        let algorithm = fields[0].lowercased()
        guard let bytes = decodeColonHex(fields[1]) else {
            throw SDPError(.badFingerprint, line: line, "expected colon-separated hex byte pairs, found \(SDPText.quoted(fields[1]))")
        }
        if let length = digestLengths[algorithm], length != bytes.count {
            throw SDPError(.badFingerprint, line: line, "expected \(length) bytes for \(algorithm), found \(bytes.count)")
        }
        return SDPFingerprint(algorithm: algorithm, bytes: bytes)
    }

    /// `AB:CD:…`, two hex digits per byte in either case; nil for anything else.
    static func decodeColonHex(_ text: Substring) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 3 == 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((characters.count + 1) / 3)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            if index + 2 < characters.count, characters[index + 2] != UInt8(ascii: ":") { return nil }
            index += 3
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The sha-256 fingerprint when one is offered (aiortc offers sha-256, sha-384 and sha-512;
    /// Meta only handles sha-256, so that is what our DTLS side computes), otherwise the
    /// strongest one OpenSSL can check; nil when none is usable.
    public static func preferred(among fingerprints: [SDPFingerprint]) -> SDPFingerprint? {
        if let offered = fingerprints.first(where: { $0.algorithm == sha256 }) { return offered }
        var best: (strength: Int, fingerprint: SDPFingerprint)?
        for fingerprint in fingerprints {
            guard let strength = supportedByStrength.firstIndex(of: fingerprint.algorithm) else { continue }
            if strength > best?.strength ?? -1 { best = (strength, fingerprint) }
        }
        return best?.fingerprint
    }
}
