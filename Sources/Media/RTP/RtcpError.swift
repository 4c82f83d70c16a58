/// Why an RTCP compound packet was refused or could not be written.
public enum RtcpError: Error, Equatable, Sendable {
    /// Fewer than the 4-byte common header at `offset`, or an empty datagram.
    case truncatedHeader(offset: Int)
    /// The version bits are not 2 (RFC 3550 §6.4.1).
    case unsupportedVersion(UInt8, offset: Int)
    /// The length field points past the end of the datagram.
    case lengthOverrun(offset: Int, declaredBytes: Int, available: Int)
    /// The packet's body is shorter than its type and report count require.
    case bodyTooShort(packetType: UInt8, offset: Int)
    /// The P bit is set with a padding count that is zero or exceeds the body.
    case invalidPadding(offset: Int)
    /// An SDES item runs past its packet.
    case sourceDescriptionOverrun(offset: Int)
    /// A compound packet needs at most 31 report blocks per SR/RR and a CNAME of 1...255 bytes.
    case reportTooLarge
    /// The caller's buffer cannot hold the compound packet.
    case bufferTooSmall(needed: Int, available: Int)
}
