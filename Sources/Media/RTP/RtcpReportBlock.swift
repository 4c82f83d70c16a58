/// One reception report block (RFC 3550 §6.4.1), as carried by SR and RR packets.
public struct RtcpReportBlock: Equatable, Sendable {
    /// RFC 3550 §6.4.1: six 32-bit words.
    public static let length = 24
    /// RFC 3550 §6.4.1: the report count field is 5 bits.
    public static let maxPerPacket = 31

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost: 24-bit signed (duplicates can make it negative).
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP time of the last SR received from that source, 0 if none.
    public var lastSenderReport: UInt32
    /// Delay since that SR, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32,
                jitter: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> RtcpReportBlock {
        let lossWord = bytes.rtpLoadUInt32(at: offset + 4)
        let cumulative = Int32(bitPattern: lossWord << 8) >> 8
        return RtcpReportBlock(ssrc: bytes.rtpLoadUInt32(at: offset), fractionLost: UInt8(lossWord >> 24),
                               cumulativeLost: cumulative,
                               extendedHighestSequence: bytes.rtpLoadUInt32(at: offset + 8),
                               jitter: bytes.rtpLoadUInt32(at: offset + 12),
                               lastSenderReport: bytes.rtpLoadUInt32(at: offset + 16),
                               delaySinceLastSenderReport: bytes.rtpLoadUInt32(at: offset + 20))
    }

    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        let clamped = max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))
        let lossWord = UInt32(fractionLost) << 24 | UInt32(bitPattern: clamped) & 0x00FF_FFFF
        buffer.rtpStore(ssrc, at: offset)
        buffer.rtpStore(lossWord, at: offset + 4)
        buffer.rtpStore(extendedHighestSequence, at: offset + 8)
        buffer.rtpStore(jitter, at: offset + 12)
        buffer.rtpStore(lastSenderReport, at: offset + 16)
        buffer.rtpStore(delaySinceLastSenderReport, at: offset + 20)
    }
}
