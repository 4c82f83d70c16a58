/// One packet of an RTCP compound datagram (RFC 3550 §6.1). Parsing walks the compound by
/// each packet's length field, so types the box does not use (RTPFB/PSFB feedback 205/206,
/// XR 207, anything newer) are skipped without being understood.
///
/// RTCP is handled on the network thread, once every few seconds; unlike RTP parsing, the
/// parsed form owns arrays.
public enum RtcpPacket: Equatable, Sendable {
    case senderReport(RtcpSenderReport)
    case receiverReport(RtcpReceiverReport)
    case sourceDescription(RtcpSourceDescription)
    case bye(RtcpBye)
    case app(RtcpApp)
    /// A packet type this parser does not decode; `count` is the header's 5-bit field.
    case unknown(packetType: UInt8, count: UInt8)

    /// RFC 3550 §12.1 packet types.
    public static let senderReportType: UInt8 = 200
    public static let receiverReportType: UInt8 = 201
    public static let sourceDescriptionType: UInt8 = 202
    public static let byeType: UInt8 = 203
    public static let appType: UInt8 = 204
    /// RFC 3550 §6.5.1: SDES item type of the CNAME.
    public static let cnameItem: UInt8 = 1
    /// RFC 3550 §6.4.1: SR sender info after the common header: SSRC, NTP, RTP ts, counts.
    static let senderInfoLength = 24
    /// RFC 5761 §4: first octet after the marker bit that an RTCP packet type takes on a muxed port.
    public static let firstMuxedPacketType: UInt8 = 192
    public static let lastMuxedPacketType: UInt8 = 223

    /// RFC 5761 §4: on an rtcp-mux port, a datagram is RTCP when its second byte is 192...223.
    public static func looksLikeRtcp(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && (firstMuxedPacketType...lastMuxedPacketType).contains(bytes[1])
    }

    public static func parseCompound(_ bytes: [UInt8]) throws(RtcpError) -> [RtcpPacket] {
        let result: Result<[RtcpPacket], RtcpError> = bytes.withUnsafeBytes { raw in
            do throws(RtcpError) { return .success(try parseCompound(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parseCompound(_ bytes: UnsafeRawBufferPointer) throws(RtcpError) -> [RtcpPacket] {
        guard !bytes.isEmpty else { throw .truncatedHeader(offset: 0) }
        var packets: [RtcpPacket] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 4 <= bytes.count else { throw .truncatedHeader(offset: offset) }
            let first = bytes[offset]
            let version = first >> 6
            guard version == RtpPacket.version else { throw .unsupportedVersion(version, offset: offset) }
            let count = first & 0x1F
            let packetType = bytes[offset + 1]
            let total = 4 * (Int(bytes.rtpLoadUInt16(at: offset + 2)) + 1)
            guard offset + total <= bytes.count else {
                throw .lengthOverrun(offset: offset, declaredBytes: total, available: bytes.count - offset)
            }
            var end = offset + total
            if first & 0x20 != 0 {
                let padding = Int(bytes[end - 1])
                guard padding > 0, padding <= total - 4 else { throw .invalidPadding(offset: offset) }
                end -= padding
            }
            let body = (offset + 4)..<end
            packets.append(try parseOne(bytes, packetType: packetType, count: count, body: body, start: offset))
            offset += total
        }
        return packets
    }

    private static func parseOne(_ bytes: UnsafeRawBufferPointer, packetType: UInt8, count: UInt8,
                                 body: Range<Int>, start: Int) throws(RtcpError) -> RtcpPacket {
        let blocks = Int(count)
        switch packetType {
        case senderReportType:
            guard body.count >= senderInfoLength + blocks * RtcpReportBlock.length else {
                throw .bodyTooShort(packetType: packetType, offset: start)
            }
            let at = body.lowerBound
            return .senderReport(RtcpSenderReport(
                ssrc: bytes.rtpLoadUInt32(at: at),
                ntpTimestamp: NtpTimestamp(seconds: bytes.rtpLoadUInt32(at: at + 4), fraction: bytes.rtpLoadUInt32(at: at + 8)),
                rtpTimestamp: bytes.rtpLoadUInt32(at: at + 12),
                packetCount: bytes.rtpLoadUInt32(at: at + 16),
                octetCount: bytes.rtpLoadUInt32(at: at + 20),
                reportBlocks: reportBlocks(bytes, at: at + senderInfoLength, count: blocks)))
        case receiverReportType:
            guard body.count >= 4 + blocks * RtcpReportBlock.length else {
                throw .bodyTooShort(packetType: packetType, offset: start)
            }
            return .receiverReport(RtcpReceiverReport(
                ssrc: bytes.rtpLoadUInt32(at: body.lowerBound),
                reportBlocks: reportBlocks(bytes, at: body.lowerBound + 4, count: blocks)))
        case sourceDescriptionType:
            return .sourceDescription(try sourceDescription(bytes, count: blocks, body: body, start: start))
        case byeType:
            guard body.count >= 4 * blocks else { throw .bodyTooShort(packetType: packetType, offset: start) }
            var ssrcs: [UInt32] = []
            for index in 0..<blocks { ssrcs.append(bytes.rtpLoadUInt32(at: body.lowerBound + 4 * index)) }
            var reason: [UInt8]?
            let reasonAt = body.lowerBound + 4 * blocks
            if reasonAt < body.upperBound {
                let length = Int(bytes[reasonAt])
                guard reasonAt + 1 + length <= body.upperBound else {
                    throw .bodyTooShort(packetType: packetType, offset: start)
                }
                reason = Array(bytes[(reasonAt + 1)..<(reasonAt + 1 + length)])
            }
            return .bye(RtcpBye(ssrcs: ssrcs, reason: reason))
        case appType:
            guard body.count >= 8 else { throw .bodyTooShort(packetType: packetType, offset: start) }
            return .app(RtcpApp(subtype: count, ssrc: bytes.rtpLoadUInt32(at: body.lowerBound),
                                name: bytes.rtpLoadUInt32(at: body.lowerBound + 4),
                                data: Array(bytes[(body.lowerBound + 8)..<body.upperBound])))
        default:
            return .unknown(packetType: packetType, count: count)
        }
    }

    private static func reportBlocks(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [RtcpReportBlock] {
        var blocks: [RtcpReportBlock] = []
        blocks.reserveCapacity(count)
        for index in 0..<count {
            blocks.append(RtcpReportBlock.parse(bytes, at: offset + index * RtcpReportBlock.length))
        }
        return blocks
    }

    /// RFC 3550 §6.5: chunks of an SSRC and items (type, length, text), each chunk ended by
    /// a null item and padded to a 32-bit boundary.
    private static func sourceDescription(_ bytes: UnsafeRawBufferPointer, count: Int, body: Range<Int>,
                                          start: Int) throws(RtcpError) -> RtcpSourceDescription {
        var chunks: [RtcpSourceDescription.Chunk] = []
        var offset = body.lowerBound
        for _ in 0..<count {
            guard offset + 4 <= body.upperBound else { throw .sourceDescriptionOverrun(offset: offset) }
            var chunk = RtcpSourceDescription.Chunk(ssrc: bytes.rtpLoadUInt32(at: offset), cname: nil)
            offset += 4
            while true {
                guard offset < body.upperBound else { throw .sourceDescriptionOverrun(offset: offset) }
                let itemType = bytes[offset]
                if itemType == 0 {
                    offset += 1
                    offset = start + (offset - start + 3) / 4 * 4
                    break
                }
                guard offset + 2 <= body.upperBound else { throw .sourceDescriptionOverrun(offset: offset) }
                let length = Int(bytes[offset + 1])
                guard offset + 2 + length <= body.upperBound else { throw .sourceDescriptionOverrun(offset: offset) }
                if itemType == cnameItem { chunk.cname = Array(bytes[(offset + 2)..<(offset + 2 + length)]) }
                offset += 2 + length
            }
            chunks.append(chunk)
        }
        return RtcpSourceDescription(chunks: chunks)
    }
}
