/// One RTP packet (RFC 3550 §5.1) as a view over the caller's bytes: the header fields are
/// copied out, the payload, CSRC list and extension stay where they are and are addressed by
/// ranges. Parsing therefore allocates nothing, which the jitter buffer on the audio thread
/// relies on.
public struct RtpPacket: Equatable, Sendable {
    /// RFC 3550 §5.1: fixed header length.
    public static let fixedHeaderLength = 12
    /// RFC 3550 §5.1: the only version in use.
    public static let version: UInt8 = 2
    /// RFC 3550 §5.1: the CC field is 4 bits.
    public static let maxCsrcCount = 15

    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Number of contributing sources; read them with `csrc(_:in:)`.
    public var csrcCount: Int
    /// The extension's profile field when the X bit is set (0xBEDE, 0x100x, or other).
    public var extensionProfile: UInt16?
    /// Where the extension data (after its 4-byte header) lies in the parsed bytes.
    public var extensionRange: Range<Int>
    /// Where the payload lies in the parsed bytes (padding excluded).
    public var payloadRange: Range<Int>
    /// Padding bytes at the end, including the count byte; 0 when the P bit is clear.
    public var paddingLength: Int

    public init(marker: Bool, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
                csrcCount: Int = 0, extensionProfile: UInt16? = nil, extensionRange: Range<Int> = 0..<0,
                payloadRange: Range<Int>, paddingLength: Int = 0) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcCount = csrcCount
        self.extensionProfile = extensionProfile
        self.extensionRange = extensionRange
        self.payloadRange = payloadRange
        self.paddingLength = paddingLength
    }

    public var payloadLength: Int { payloadRange.count }

    /// The `index`-th CSRC of a packet parsed from `bytes`; nil when out of range.
    public func csrc(_ index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32? {
        let offset = Self.fixedHeaderLength + 4 * index
        guard index >= 0, index < csrcCount, offset + 4 <= bytes.count else { return nil }
        return bytes.rtpLoadUInt32(at: offset)
    }

    public static func parse(_ bytes: [UInt8]) throws(RtpError) -> RtpPacket {
        let result: Result<RtpPacket, RtpError> = bytes.withUnsafeBytes { raw in
            do throws(RtpError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RtpError) -> RtpPacket {
        let count = bytes.count
        guard count >= fixedHeaderLength else { throw .tooShort(length: count) }
        let first = bytes[0]
        let version = first >> 6
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        let second = bytes[1]

        var end = count
        var paddingLength = 0
        if hasPadding {
            paddingLength = Int(bytes[count - 1])
            guard paddingLength > 0, paddingLength <= count - fixedHeaderLength else {
                throw .invalidPadding(count: paddingLength, available: count - fixedHeaderLength)
            }
            end = count - paddingLength
        }

        var offset = fixedHeaderLength + 4 * csrcCount
        guard offset <= end else {
            throw .csrcListTruncated(count: csrcCount, available: (end - fixedHeaderLength) / 4)
        }

        var extensionProfile: UInt16?
        var extensionRange = offset..<offset
        if hasExtension {
            guard offset + 4 <= end else { throw .extensionTruncated(declaredBytes: 4, available: end - offset) }
            let profile = bytes.rtpLoadUInt16(at: offset)
            let declared = 4 * Int(bytes.rtpLoadUInt16(at: offset + 2))
            guard offset + 4 + declared <= end else {
                throw .extensionTruncated(declaredBytes: declared, available: end - offset - 4)
            }
            extensionRange = (offset + 4)..<(offset + 4 + declared)
            try validateElements(bytes, profile: profile, range: extensionRange)
            extensionProfile = profile
            offset = extensionRange.upperBound
        }

        return RtpPacket(
            marker: second & 0x80 != 0,
            payloadType: second & 0x7F,
            sequenceNumber: bytes.rtpLoadUInt16(at: 2),
            timestamp: bytes.rtpLoadUInt32(at: 4),
            ssrc: bytes.rtpLoadUInt32(at: 8),
            csrcCount: csrcCount,
            extensionProfile: extensionProfile,
            extensionRange: extensionRange,
            payloadRange: offset..<end,
            paddingLength: paddingLength)
    }

    /// Walks RFC 8285 elements only to prove they stay inside the block: the box uses none of
    /// the extensions Meta offers (audio level, abs-send-time, transport-cc), it skips them.
    private static func validateElements(_ bytes: UnsafeRawBufferPointer, profile: UInt16,
                                         range: Range<Int>) throws(RtpError) {
        var offset = range.lowerBound
        if profile == RtpHeaderExtension.oneByteProfile {
            while offset < range.upperBound {
                let header = bytes[offset]
                if header == 0 { offset += 1; continue }               // RFC 8285 §4.2: padding
                let id = header >> 4
                if id == 15 { return }                                  // RFC 8285 §4.2: stop parsing
                let length = Int(header & 0x0F) + 1
                guard offset + 1 + length <= range.upperBound else { throw .extensionElementOverrun(offset: offset) }
                offset += 1 + length
            }
        } else if profile & 0xFFF0 == RtpHeaderExtension.twoByteProfile {
            while offset < range.upperBound {
                if bytes[offset] == 0 { offset += 1; continue }         // RFC 8285 §4.3: padding
                guard offset + 2 <= range.upperBound else { throw .extensionElementOverrun(offset: offset) }
                let length = Int(bytes[offset + 1])
                guard offset + 2 + length <= range.upperBound else { throw .extensionElementOverrun(offset: offset) }
                offset += 2 + length
            }
        }
    }

    /// Bytes `write` needs for this header shape and payload.
    public static func length(csrcCount: Int = 0, extensionBytes: Int? = nil, payloadLength: Int,
                              padding: Int = 0) -> Int {
        fixedHeaderLength + 4 * csrcCount + (extensionBytes.map { 4 + $0 } ?? 0) + payloadLength + padding
    }

    /// Writes a whole packet into `buffer` and returns its length. `csrcs` and `headerExtension`
    /// default to none, which is what the box sends; `padding` (1...255) is for tests and
    /// SRTP peers that pad.
    public static func write(marker: Bool, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32,
                             ssrc: UInt32, csrcs: [UInt32] = [], headerExtension: RtpHeaderExtension? = nil,
                             payload: UnsafeRawBufferPointer, padding: Int = 0,
                             into buffer: UnsafeMutableRawBufferPointer) throws(RtpError) -> Int {
        guard payloadType <= 127 else { throw .payloadTypeOutOfRange(Int(payloadType)) }
        guard csrcs.count <= maxCsrcCount else { throw .tooManyCsrcs(csrcs.count) }
        guard padding == 0 || (1...255).contains(padding) else { throw .paddingOutOfRange(padding) }
        if let headerExtension, headerExtension.data.count % 4 != 0 || headerExtension.data.count > 4 * 0xFFFF {
            throw .extensionNotWordAligned(length: headerExtension.data.count)
        }
        let needed = length(csrcCount: csrcs.count, extensionBytes: headerExtension?.data.count,
                            payloadLength: payload.count, padding: padding)
        guard needed <= buffer.count else { throw .bufferTooSmall(needed: needed, available: buffer.count) }

        buffer[0] = Self.version << 6 | (padding > 0 ? 0x20 : 0) | (headerExtension != nil ? 0x10 : 0) | UInt8(csrcs.count)
        buffer[1] = (marker ? 0x80 : 0) | payloadType
        buffer.rtpStore(sequenceNumber, at: 2)
        buffer.rtpStore(timestamp, at: 4)
        buffer.rtpStore(ssrc, at: 8)
        var offset = fixedHeaderLength
        for csrc in csrcs {
            buffer.rtpStore(csrc, at: offset)
            offset += 4
        }
        if let headerExtension {
            buffer.rtpStore(headerExtension.profile, at: offset)
            buffer.rtpStore(UInt16(headerExtension.data.count / 4), at: offset + 2)
            offset += 4
            for byte in headerExtension.data {
                buffer[offset] = byte
                offset += 1
            }
        }
        if payload.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + payload.count)]).copyMemory(from: payload)
        }
        offset += payload.count
        if padding > 0 {
            for index in offset..<(offset + padding - 1) { buffer[index] = 0 }
            buffer[offset + padding - 1] = UInt8(padding)
            offset += padding
        }
        return offset
    }
}
