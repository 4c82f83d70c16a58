/// `X-Hub-Signature-256` (spec §1.2): HMAC-SHA256 of the raw body bytes under the app secret,
/// lowercase hex, prefixed `sha256=`. Checked on the bytes as received, before any parsing,
/// because re-serialised JSON would not hash the same.
public enum WebhookSignature {
    public static let headerName = "X-Hub-Signature-256"
    static let prefix = "sha256="

    public static func verify(body: [UInt8], header: String?, appSecret: [UInt8]) -> SignatureCheck {
        guard let header else { return .missing }
        guard let claimed = parse(header) else { return .malformed }
        let expected = HMACSHA256.authenticationCode(key: appSecret, message: body)
        return HMACSHA256.constantTimeEqual(claimed, expected) ? .valid : .mismatch
    }

    /// The header value Meta would send for `body`; used by `callbox simulate` and tests.
    public static func sign(body: [UInt8], appSecret: [UInt8]) -> String {
        prefix + hex(HMACSHA256.authenticationCode(key: appSecret, message: body))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The digest bytes of a well-formed header: `sha256=` and 64 hex digits. Meta writes
    /// lowercase; the prefix and digits are read in either case and surrounding spaces skipped
    /// (a proxy may re-case or pad a header), which weakens nothing: the digest still has to match.
    private static func parse(_ header: String) -> [UInt8]? {
        var text = Array(header.utf8)
        while text.first == UInt8(ascii: " ") || text.first == UInt8(ascii: "\t") { text.removeFirst() }
        while text.last == UInt8(ascii: " ") || text.last == UInt8(ascii: "\t") { text.removeLast() }
        let prefixBytes = Array(prefix.utf8)
        guard text.count == prefixBytes.count + 2 * HMACSHA256.digestLength,
              text.prefix(prefixBytes.count).map({ $0 | 0x20 }).elementsEqual(prefixBytes.map { $0 | 0x20 }) else { return nil }
        var digest: [UInt8] = []
        digest.reserveCapacity(HMACSHA256.digestLength)
        var index = prefixBytes.count
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            digest.append(high << 4 | low)
            index += 2
        }
        return digest
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The outcome of checking a delivery's signature; everything but `valid` is answered 4xx.
public enum SignatureCheck: Sendable, Equatable {
    case valid
    /// No `X-Hub-Signature-256` header at all.
    case missing
    /// The header is not `sha256=` followed by 64 lowercase hex digits.
    case malformed
    /// Well formed, but not the HMAC of this body under our app secret.
    case mismatch
}
