/// The sending half of one RTP stream: SSRC, sequence and timestamp bookkeeping, and the
/// packet and octet counts an RTCP sender report carries.
///
/// One call to `writeAudio` or `writeTelephoneEvent` is one 20 ms frame. The timestamp
/// advances by one frame per call whatever was sent, and `skipFrame` advances it for a frame
/// that was not sent, so the media clock follows wall time across silence (Meta drops a call
/// without business media, spec §6.2: the box encodes silence rather than using DTX).
public struct RtpStreamSender: Sendable {
    /// RFC 7587 §4.1: Opus always uses a 48 kHz RTP clock.
    public static let clockRate: UInt32 = 48_000
    /// 20 ms at 48 kHz (spec §6.1: `minptime=20`/`ptime:20`).
    public static let samplesPerFrame: UInt32 = 960

    public let ssrc: UInt32
    public let payloadType: UInt8
    /// Sequence number of the next packet written.
    public private(set) var nextSequenceNumber: UInt16
    /// RTP timestamp of the next frame.
    public private(set) var nextTimestamp: UInt32
    /// RFC 3550 §6.4.1 sender's packet count (wraps as the field does).
    public private(set) var packetCount: UInt32 = 0
    /// RFC 3550 §6.4.1 sender's octet count: payload bytes only.
    public private(set) var octetCount: UInt32 = 0
    /// RTP timestamp of the last packet written, for the SR's timestamp; nil before the first.
    public private(set) var lastTimestamp: UInt32?
    private var markerPending = true

    /// Random SSRC, sequence and timestamp bases (RFC 3550 §5.1, §8) unless given, which
    /// tests do to get known packets.
    public init(payloadType: UInt8, ssrc: UInt32? = nil, initialSequenceNumber: UInt16? = nil,
                initialTimestamp: UInt32? = nil) {
        var random = SystemRandomNumberGenerator()
        self.payloadType = payloadType
        self.ssrc = ssrc ?? random.next()
        self.nextSequenceNumber = initialSequenceNumber ?? random.next()
        self.nextTimestamp = initialTimestamp ?? random.next()
    }

    /// Writes one audio frame's packet into `buffer` and returns its length. The first packet
    /// of the stream and the first after `skipFrame` carry the marker (RFC 3551 §4.1).
    public mutating func writeAudio(_ payload: UnsafeRawBufferPointer,
                                    into buffer: UnsafeMutableRawBufferPointer) throws(RtpError) -> Int {
        let length = try RtpPacket.write(marker: markerPending, payloadType: payloadType,
                                         sequenceNumber: nextSequenceNumber, timestamp: nextTimestamp,
                                         ssrc: ssrc, payload: payload, into: buffer)
        markerPending = false
        sent(timestamp: nextTimestamp, payloadLength: payload.count)
        return length
    }

    /// Writes a telephone-event packet in place of this frame's audio. Same SSRC and sequence
    /// space as the audio (spec §6.1); the packet's timestamp is the event's start, given by
    /// `DtmfSender`, while this stream's clock still advances by one frame.
    public mutating func writeTelephoneEvent(_ packet: DtmfPacket,
                                             into buffer: UnsafeMutableRawBufferPointer) throws(RtpError) -> Int {
        var payload: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let length = try withUnsafeMutableBytes(of: &payload) { raw throws(RtpError) -> Int in
            let payloadLength = try packet.event.write(into: raw)
            return try RtpPacket.write(marker: packet.marker, payloadType: packet.payloadType,
                                       sequenceNumber: nextSequenceNumber, timestamp: packet.timestamp,
                                       ssrc: ssrc, payload: UnsafeRawBufferPointer(rebasing: raw[0..<payloadLength]),
                                       into: buffer)
        }
        sent(timestamp: packet.timestamp, payloadLength: TelephoneEvent.payloadLength)
        return length
    }

    /// A frame that is not sent (discontinuous transmission): the clock moves on and the next
    /// packet is marked as the start of a talk-spurt.
    public mutating func skipFrame() {
        nextTimestamp &+= Self.samplesPerFrame
        markerPending = true
    }

    private mutating func sent(timestamp: UInt32, payloadLength: Int) {
        lastTimestamp = timestamp
        nextSequenceNumber &+= 1
        nextTimestamp &+= Self.samplesPerFrame
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payloadLength)
    }
}
