/// Why bytes are not a STUN message this endpoint accepts. Each case names the offending
/// field so a log line is enough to tell a truncated datagram from a foreign protocol.
public enum StunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than the 20 header bytes (RFC 8489 §5).
    case shortHeader(count: Int)
    /// The two leading bits are not zero, so this is not STUN (RFC 8489 §5).
    case notStun(firstByte: UInt8)
    /// The magic cookie is not 0x2112A442: an RFC 3489 peer or not STUN at all.
    case badMagicCookie(UInt32)
    /// The header's length field is not a multiple of 4 (RFC 8489 §5).
    case lengthNotMultipleOfFour(Int)
    /// The header's length field disagrees with the datagram's size.
    case lengthMismatch(declared: Int, available: Int)
    /// An attribute's value (with padding) runs past the end of the message.
    case attributeOverrun(type: UInt16, offset: Int, length: Int)
    /// A known attribute with a value of the wrong size or content.
    case invalidAttribute(type: UInt16, reason: String)
    /// Something other than nothing after FINGERPRINT, which must be last (RFC 8489 §14.7).
    case attributeAfterFingerprint(type: UInt16)
    /// More attributes than `StunMessage.maxAttributes`.
    case tooManyAttributes(limit: Int)

    public var description: String {
        switch self {
        case .shortHeader(let count): "STUN header needs 20 bytes, got \(count)"
        case .notStun(let byte): "first byte \(byte) has the top bits set: not STUN"
        case .badMagicCookie(let cookie): "bad magic cookie 0x\(String(cookie, radix: 16))"
        case .lengthNotMultipleOfFour(let length): "message length \(length) is not a multiple of 4"
        case .lengthMismatch(let declared, let available): "message length \(declared) but \(available) bytes follow the header"
        case .attributeOverrun(let type, let offset, let length): "attribute 0x\(String(type, radix: 16)) at offset \(offset) with length \(length) overruns the message"
        case .invalidAttribute(let type, let reason): "attribute 0x\(String(type, radix: 16)): \(reason)"
        case .attributeAfterFingerprint(let type): "attribute 0x\(String(type, radix: 16)) after FINGERPRINT"
        case .tooManyAttributes(let limit): "more than \(limit) attributes"
        }
    }
}
