/// An SR packet (RFC 3550 §6.4.1, PT 200): the sender's clocks and counts plus report blocks.
public struct RtcpSenderReport: Equatable, Sendable {
    public var ssrc: UInt32
    public var ntpTimestamp: NtpTimestamp
    /// The RTP timestamp corresponding to `ntpTimestamp`.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    public var reportBlocks: [RtcpReportBlock]

    public init(ssrc: UInt32, ntpTimestamp: NtpTimestamp, rtpTimestamp: UInt32, packetCount: UInt32,
                octetCount: UInt32, reportBlocks: [RtcpReportBlock] = []) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = reportBlocks
    }
}

/// An RR packet (RFC 3550 §6.4.2, PT 201): report blocks from a participant that sends nothing.
public struct RtcpReceiverReport: Equatable, Sendable {
    public var ssrc: UInt32
    public var reportBlocks: [RtcpReportBlock]

    public init(ssrc: UInt32, reportBlocks: [RtcpReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = reportBlocks
    }
}
