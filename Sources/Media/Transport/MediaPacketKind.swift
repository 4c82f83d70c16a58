/// What one datagram on the shared media socket carries, told from its first bytes
/// (RFC 7983 §7, which updates RFC 5764 §5.1.2; RTP and RTCP told apart per RFC 5761 §4).
public enum MediaPacketKind: Sendable, Equatable {
    case stun, dtls, rtp, rtcp, unknown

    /// 0–3: STUN (RFC 7983 §7).
    static let stunFirstBytes: ClosedRange<UInt8> = 0...3
    /// 20–63: DTLS content types (RFC 7983 §7).
    static let dtlsFirstBytes: ClosedRange<UInt8> = 20...63
    /// 128–191: RTP or RTCP version 2 (RFC 7983 §7).
    static let rtpFirstBytes: ClosedRange<UInt8> = 128...191
    /// RTCP packet types 192–223 in the second byte (RFC 5761 §4); RTP payload types that
    /// would collide with them, with the marker bit set, are not used with rtcp-mux.
    static let rtcpSecondBytes: ClosedRange<UInt8> = 192...223

    /// `secondByte` only matters for RTP/RTCP; a one-byte RTP-range datagram is `.unknown`.
    public static func classify(firstByte: UInt8, secondByte: UInt8?) -> MediaPacketKind {
        if stunFirstBytes.contains(firstByte) { return .stun }
        if dtlsFirstBytes.contains(firstByte) { return .dtls }
        if rtpFirstBytes.contains(firstByte) {
            guard let secondByte else { return .unknown }
            return rtcpSecondBytes.contains(secondByte) ? .rtcp : .rtp
        }
        // 16–19 ZRTP and 64–79 TURN channels are not used by this endpoint.
        return .unknown
    }

    public static func classify(_ datagram: some Collection<UInt8>) -> MediaPacketKind {
        guard let first = datagram.first else { return .unknown }
        let second = datagram.dropFirst().first
        return classify(firstByte: first, secondByte: second)
    }
}
