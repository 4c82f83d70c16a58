/// Round-trip time from the report blocks the peer sends about our stream (RFC 3550 §6.4.1):
/// RTT = A - LSR - DLSR, all in 1/65536 s, where A is when the block arrived.
///
/// LSR is only trusted when it echoes one of our recent sender reports, so a garbled or
/// stale block cannot produce a wild figure.
public struct RtcpRoundTrip: Sendable {
    /// Sender reports remembered; at one per 5 s this covers 40 s of reports in flight.
    public static let rememberedReports = 8

    private var sent: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var nextSlot = 0
    /// The latest round-trip time, in milliseconds; nil until a block echoed one of our SRs.
    public private(set) var lastMilliseconds: Double?

    public init() {}

    /// Call with the NTP timestamp written into each SR the box sends.
    public mutating func recordSentReport(_ ntpTimestamp: NtpTimestamp) {
        let compact = ntpTimestamp.compact
        withUnsafeMutableBytes(of: &sent) { raw in
            raw.storeBytes(of: compact, toByteOffset: nextSlot * 4, as: UInt32.self)
        }
        nextSlot = (nextSlot + 1) % Self.rememberedReports
    }

    /// Feed a report block about our SSRC with the NTP time it arrived; returns the RTT in
    /// milliseconds, or nil when the block does not echo a recent SR of ours.
    public mutating func update(with block: RtcpReportBlock, arrival: NtpTimestamp) -> Double? {
        guard block.lastSenderReport != 0, wasSent(block.lastSenderReport) else { return nil }
        let units = arrival.compact &- block.lastSenderReport &- block.delaySinceLastSenderReport
        // A negative RTT (clock step, DLSR rounding) wraps to a huge value: report zero instead.
        let milliseconds = units > UInt32.max / 2 ? 0 : Double(units) * 1_000 / 65_536
        lastMilliseconds = milliseconds
        return milliseconds
    }

    private func wasSent(_ compact: UInt32) -> Bool {
        var copy = sent
        return withUnsafeBytes(of: &copy) { raw in
            (0..<Self.rememberedReports).contains { raw.load(fromByteOffset: $0 * 4, as: UInt32.self) == compact }
        }
    }
}
