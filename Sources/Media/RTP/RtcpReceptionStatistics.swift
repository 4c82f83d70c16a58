/// What the box knows about one incoming stream, to fill the report block it sends back:
/// RFC 3550 A.1 (extended sequence numbers), A.3 (loss) and A.8 (interarrival jitter), plus
/// the LSR/DLSR pair from the peer's last sender report.
///
/// A.1's probation (two in-sequence packets before trusting a source) is left out: packets
/// reach this type only after SRTP authentication, so the first one already proves its source,
/// as in libwebrtc.
public struct RtcpReceptionStatistics: Sendable {
    /// RFC 3550 A.1: a forward jump larger than this is a restart, not loss.
    public static let maxDropout: UInt32 = 3_000
    /// RFC 3550 A.1: a backward step up to this is a late or duplicate packet.
    public static let maxMisorder: UInt32 = 100
    /// RFC 3550 A.1: sequence numbers are 16 bits.
    static let sequenceModulus: UInt32 = 1 << 16

    public let clockRate: UInt32
    /// SSRC of the stream, set by the first packet.
    public private(set) var ssrc: UInt32?
    public private(set) var packetsReceived: UInt32 = 0
    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var badSequence: UInt32 = sequenceModulus + 1
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    /// RFC 3550 A.8: jitter scaled by 16 to keep the estimator in integers.
    private var scaledJitter: UInt32 = 0
    private var lastTransit: Int64?
    private var lastSenderReportCompact: UInt32 = 0
    private var lastSenderReportArrival: Int64 = 0

    public init(clockRate: UInt32 = RtpStreamSender.clockRate) {
        self.clockRate = clockRate
    }

    /// RFC 3550 A.1: the highest sequence number seen, extended with the wrap count.
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// RFC 3550 A.3: expected minus received since the first packet (negative with duplicates).
    public var cumulativeLost: Int64 {
        guard ssrc != nil else { return 0 }
        return Int64(extendedHighestSequence) - Int64(baseSequence) + 1 - Int64(packetsReceived)
    }

    /// RFC 3550 A.8: interarrival jitter in RTP timestamp units.
    public var jitter: UInt32 { scaledJitter >> 4 }

    public var jitterMilliseconds: Double { Double(scaledJitter) / 16 * 1_000 / Double(clockRate) }

    /// Feed every authenticated RTP packet of the stream with its arrival time (monotonic).
    public mutating func record(sequenceNumber: UInt16, rtpTimestamp: UInt32, ssrc: UInt32, arrivalNanoseconds: Int64) {
        if self.ssrc != ssrc {
            self = RtcpReceptionStatistics(clockRate: clockRate)
            self.ssrc = ssrc
            restart(at: sequenceNumber)
            packetsReceived = 1
            updateJitter(rtpTimestamp: rtpTimestamp, arrivalNanoseconds: arrivalNanoseconds)
            return
        }
        let sequence = UInt32(sequenceNumber)
        let delta = UInt32(sequenceNumber &- maxSequence)
        if delta < Self.maxDropout {
            if sequenceNumber < maxSequence { cycles &+= Self.sequenceModulus }
            maxSequence = sequenceNumber
        } else if delta <= Self.sequenceModulus - Self.maxMisorder {
            // A very large jump: believe it only when the next packet continues from it (A.1).
            if sequence == badSequence {
                restart(at: sequenceNumber)
            } else {
                badSequence = (sequence + 1) & (Self.sequenceModulus - 1)
                return
            }
        }
        packetsReceived &+= 1
        updateJitter(rtpTimestamp: rtpTimestamp, arrivalNanoseconds: arrivalNanoseconds)
    }

    /// Note a sender report from the peer, for LSR and DLSR in our next report block.
    public mutating func recordSenderReport(_ ntpTimestamp: NtpTimestamp, arrivalNanoseconds: Int64) {
        lastSenderReportCompact = ntpTimestamp.compact
        lastSenderReportArrival = arrivalNanoseconds
    }

    /// The report block for this stream now; moves the "since last report" window for the
    /// fraction lost (RFC 3550 A.3). Nil before the first packet.
    public mutating func makeReportBlock(nowNanoseconds: Int64) -> RtcpReportBlock? {
        guard let ssrc else { return nil }
        let expected = Int64(extendedHighestSequence) - Int64(baseSequence) + 1
        let expectedInterval = expected - Int64(expectedPrior)
        let receivedInterval = Int64(packetsReceived) - Int64(receivedPrior)
        expectedPrior = UInt32(truncatingIfNeeded: expected)
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = expectedInterval == 0 || lostInterval <= 0
            ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        var delay: UInt32 = 0
        if lastSenderReportCompact != 0 {
            let elapsed = max(0, nowNanoseconds - lastSenderReportArrival)
            delay = UInt32(truncatingIfNeeded: elapsed * 65_536 / 1_000_000_000)
        }
        return RtcpReportBlock(ssrc: ssrc, fractionLost: fraction,
                               cumulativeLost: Int32(max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))),
                               extendedHighestSequence: extendedHighestSequence, jitter: jitter,
                               lastSenderReport: lastSenderReportCompact, delaySinceLastSenderReport: delay)
    }

    private mutating func restart(at sequenceNumber: UInt16) {
        maxSequence = sequenceNumber
        cycles = 0
        baseSequence = UInt32(sequenceNumber)
        badSequence = Self.sequenceModulus + 1
        expectedPrior = 0
        receivedPrior = 0
        packetsReceived = 0
    }

    /// RFC 3550 A.8: D = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16.
    private mutating func updateJitter(rtpTimestamp: UInt32, arrivalNanoseconds: Int64) {
        // Seconds and remainder apart: nanoseconds since boot times 48000 would overflow Int64.
        let seconds = arrivalNanoseconds / 1_000_000_000
        let remainder = arrivalNanoseconds % 1_000_000_000
        let arrival = seconds &* Int64(clockRate) &+ remainder * Int64(clockRate) / 1_000_000_000
        let transit = arrival &- Int64(rtpTimestamp)
        defer { lastTransit = transit }
        guard let lastTransit else { return }
        var difference = transit &- lastTransit
        // The timestamp wrapped between the two packets: transit moved by 2^32.
        difference = Int64(Int32(truncatingIfNeeded: difference))
        let magnitude = UInt32(min(Int64(UInt32.max >> 5), abs(difference)))
        scaledJitter = scaledJitter &+ magnitude &- ((scaledJitter &+ 8) >> 4)
    }
}
