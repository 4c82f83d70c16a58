/// Writes the compound packet the box sends every report interval: an SR (when it has sent
/// media since the last report) or an RR, then an SDES with its CNAME (RFC 3550 §6.1: every
/// compound starts with a report and carries a CNAME).
public enum RtcpCompound {
    public static func write(_ report: RtcpSenderReport, cname: [UInt8],
                             into buffer: UnsafeMutableRawBufferPointer) throws(RtcpError) -> Int {
        let blocks = report.reportBlocks
        guard blocks.count <= RtcpReportBlock.maxPerPacket else { throw .reportTooLarge }
        let reportLength = 4 + RtcpPacket.senderInfoLength + blocks.count * RtcpReportBlock.length
        try checkSpace(reportLength: reportLength, cname: cname, buffer: buffer)
        writeHeader(count: blocks.count, packetType: RtcpPacket.senderReportType, length: reportLength, into: buffer, at: 0)
        buffer.rtpStore(report.ssrc, at: 4)
        buffer.rtpStore(report.ntpTimestamp.seconds, at: 8)
        buffer.rtpStore(report.ntpTimestamp.fraction, at: 12)
        buffer.rtpStore(report.rtpTimestamp, at: 16)
        buffer.rtpStore(report.packetCount, at: 20)
        buffer.rtpStore(report.octetCount, at: 24)
        for (index, block) in blocks.enumerated() { block.write(into: buffer, at: 28 + index * RtcpReportBlock.length) }
        return reportLength + writeSourceDescription(ssrc: report.ssrc, cname: cname, into: buffer, at: reportLength)
    }

    public static func write(_ report: RtcpReceiverReport, cname: [UInt8],
                             into buffer: UnsafeMutableRawBufferPointer) throws(RtcpError) -> Int {
        let blocks = report.reportBlocks
        guard blocks.count <= RtcpReportBlock.maxPerPacket else { throw .reportTooLarge }
        let reportLength = 8 + blocks.count * RtcpReportBlock.length
        try checkSpace(reportLength: reportLength, cname: cname, buffer: buffer)
        writeHeader(count: blocks.count, packetType: RtcpPacket.receiverReportType, length: reportLength, into: buffer, at: 0)
        buffer.rtpStore(report.ssrc, at: 4)
        for (index, block) in blocks.enumerated() { block.write(into: buffer, at: 8 + index * RtcpReportBlock.length) }
        return reportLength + writeSourceDescription(ssrc: report.ssrc, cname: cname, into: buffer, at: reportLength)
    }

    /// SSRC, CNAME item (2 + n), null item, padded to 32 bits, after a 4-byte header.
    static func sourceDescriptionLength(cname: [UInt8]) -> Int {
        4 + (4 + 2 + cname.count + 1 + 3) / 4 * 4
    }

    private static func checkSpace(reportLength: Int, cname: [UInt8],
                                   buffer: UnsafeMutableRawBufferPointer) throws(RtcpError) {
        guard (1...255).contains(cname.count) else { throw .reportTooLarge }
        let needed = reportLength + sourceDescriptionLength(cname: cname)
        guard needed <= buffer.count else { throw .bufferTooSmall(needed: needed, available: buffer.count) }
    }

    private static func writeHeader(count: Int, packetType: UInt8, length: Int,
                                    into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer[offset] = RtpPacket.version << 6 | UInt8(count)
        buffer[offset + 1] = packetType
        buffer.rtpStore(UInt16(length / 4 - 1), at: offset + 2)
    }

    private static func writeSourceDescription(ssrc: UInt32, cname: [UInt8],
                                               into buffer: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        let length = sourceDescriptionLength(cname: cname)
        writeHeader(count: 1, packetType: RtcpPacket.sourceDescriptionType, length: length, into: buffer, at: start)
        buffer.rtpStore(ssrc, at: start + 4)
        buffer[start + 8] = RtcpPacket.cnameItem
        buffer[start + 9] = UInt8(cname.count)
        var offset = start + 10
        for byte in cname {
            buffer[offset] = byte
            offset += 1
        }
        while offset < start + length {
            buffer[offset] = 0
            offset += 1
        }
        return length
    }
}
