/// One RFC 4733 telephone-event payload (§2.3): event code, end bit, volume and duration.
/// Duration counts units of the telephone-event clock, which Meta fixes at 8000 Hz (spec
/// §6.1), whatever the audio clock of the stream it rides on.
public struct TelephoneEvent: Equatable, Sendable {
    /// RFC 4733 §2.3: event(8) E(1) R(1) volume(6) duration(16).
    public static let payloadLength = 4
    /// RFC 4733 §2.3.4: volume is 0...63 (-dBm0).
    public static let maxVolume: UInt8 = 63
    /// spec §6.1: Meta accepts telephone-event only at 8000 Hz.
    public static let clockRate: UInt32 = 8_000

    public var event: UInt8
    public var isEnd: Bool
    /// Power level as -dBm0, 0...63.
    public var volume: UInt8
    /// In 1/8000 s.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// The DTMF digit this event stands for, nil for the non-DTMF events 16...255.
    public var digit: DtmfDigit? { DtmfDigit(event: event) }

    /// Reads the first event of a payload; RFC 2198 redundancy blocks, which would follow,
    /// are not negotiated with Meta.
    public static func parse(_ payload: UnsafeRawBufferPointer) throws(RtpError) -> TelephoneEvent {
        guard payload.count >= payloadLength else { throw .telephoneEventTooShort(length: payload.count) }
        return TelephoneEvent(event: payload[0], isEnd: payload[1] & 0x80 != 0, volume: payload[1] & 0x3F,
                              duration: payload.rtpLoadUInt16(at: 2))
    }

    public static func parse(_ payload: [UInt8]) throws(RtpError) -> TelephoneEvent {
        let result: Result<TelephoneEvent, RtpError> = payload.withUnsafeBytes { raw in
            do throws(RtpError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Writes the 4 payload bytes (R bit clear) and returns 4.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RtpError) -> Int {
        guard volume <= Self.maxVolume else { throw .telephoneEventFieldOutOfRange }
        guard buffer.count >= Self.payloadLength else {
            throw .bufferTooSmall(needed: Self.payloadLength, available: buffer.count)
        }
        buffer[0] = event
        buffer[1] = (isEnd ? 0x80 : 0) | volume
        buffer.rtpStore(duration, at: 2)
        return Self.payloadLength
    }
}
