/// Why an RTP packet or a telephone-event payload was refused, precise enough to log and to
/// test: every parser in the box answers bad input with one of these, never a crash.
public enum RtpError: Error, Equatable, Sendable {
    /// Fewer bytes than the fixed 12-byte header (RFC 3550 §5.1).
    case tooShort(length: Int)
    /// The two version bits are not 2 (RFC 3550 §5.1).
    case unsupportedVersion(UInt8)
    /// The CSRC count promises more 32-bit identifiers than the packet holds.
    case csrcListTruncated(count: Int, available: Int)
    /// The X bit is set but the extension header or its declared length does not fit.
    case extensionTruncated(declaredBytes: Int, available: Int)
    /// An RFC 8285 element inside the extension block runs past the block's end.
    case extensionElementOverrun(offset: Int)
    /// The P bit is set but the last byte's padding count is zero or covers the header.
    case invalidPadding(count: Int, available: Int)
    /// A payload type above 127 cannot be written in the 7-bit field.
    case payloadTypeOutOfRange(Int)
    /// More than 15 CSRCs cannot be written in the 4-bit count.
    case tooManyCsrcs(Int)
    /// The extension data handed to the serializer is not a whole number of 32-bit words.
    case extensionNotWordAligned(length: Int)
    /// Padding to write must be 1...255 bytes.
    case paddingOutOfRange(Int)
    /// The caller's buffer cannot hold the packet being written.
    case bufferTooSmall(needed: Int, available: Int)
    /// A telephone-event payload is shorter than its 4 bytes (RFC 4733 §2.3).
    case telephoneEventTooShort(length: Int)
    /// A telephone-event field is out of range when writing (event > 255, volume > 63).
    case telephoneEventFieldOutOfRange
}
