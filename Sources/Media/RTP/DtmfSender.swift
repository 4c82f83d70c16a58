/// One telephone-event packet to send in place of an audio frame.
public struct DtmfPacket: Equatable, Sendable {
    public var payloadType: UInt8
    /// The event's start, on the audio stream's 48 kHz RTP clock (see `DtmfSender`).
    public var timestamp: UInt32
    /// Set on the first packet of an event (RFC 4733 §2.5.1.3).
    public var marker: Bool
    public var event: TelephoneEvent
}

/// Produces the RFC 4733 packet sequence for one digit, one packet per 20 ms audio frame.
///
/// Clocks: Meta negotiates `telephone-event/8000` beside `opus/48000` on one SSRC with one
/// timestamp base (spec §6.1); an offer may carry `telephone-event/48000` instead (browsers list
/// both). Like libwebrtc, the box stamps every packet of an event with the audio stream's 48 kHz
/// timestamp of the frame where the event starts, so the timestamp line stays continuous for the
/// receiver, while the duration field counts units of the negotiated rate: 160 per 20 ms frame
/// at 8 kHz, 960 at 48 kHz.
public struct DtmfSender: Sendable {
    /// RFC 4733 §2.5.1.4: the end packet is sent three times.
    public static let endPacketCount = 3
    /// Tone length when the caller gives none; ITU-T Q.24 asks for at least 40 ms, phones send ~100 ms.
    public static let defaultToneMilliseconds = 100
    /// Longest tone asked for; RFC 4733 §2.5.1.3 caps one event at 0xFFFF units, which is
    /// 8.19 s at 8 kHz but 1.36 s at 48 kHz (`maxFrames`).
    public static let maxToneMilliseconds = 8_000
    /// The clock rates an `a=rtpmap:… telephone-event/<rate>` may name for us (spec §11.7).
    public static let clockRates: [UInt32] = [8_000, 48_000]
    /// RFC 4733 §2.3.4: -10 dBm0, a typical keypad level.
    public static let defaultVolume: UInt8 = 10

    public let payloadType: UInt8
    public let volume: UInt8
    /// 20 ms in telephone-event units of the negotiated clock.
    public let unitsPerFrame: UInt16
    /// Frames whose units still fit the 16-bit duration field.
    private let maxFrames: Int
    private var digit: DtmfDigit?
    private var startTimestamp: UInt32 = 0
    private var totalUnits: UInt16 = 0
    private var elapsedUnits: UInt16 = 0
    private var endPacketsSent = 0

    /// `clockRate` is the negotiated telephone-event rate, 8000 or 48000 (others are taken as 8000).
    public init(payloadType: UInt8, clockRate: UInt32 = TelephoneEvent.clockRate, volume: UInt8 = DtmfSender.defaultVolume) {
        self.payloadType = payloadType
        self.volume = min(volume, TelephoneEvent.maxVolume)
        let rate = Self.clockRates.contains(clockRate) ? clockRate : TelephoneEvent.clockRate
        unitsPerFrame = UInt16(rate / 50)
        maxFrames = Int(UInt16.max / unitsPerFrame)
    }

    /// True while a digit's packets are still to be sent.
    public var isSending: Bool { digit != nil }

    /// Starts a digit at `startTimestamp`, the audio stream's timestamp for the next frame
    /// (`RtpStreamSender.nextTimestamp`). Returns false while another digit is being sent.
    public mutating func start(_ digit: DtmfDigit, startTimestamp: UInt32,
                               milliseconds: Int = DtmfSender.defaultToneMilliseconds) -> Bool {
        guard self.digit == nil else { return false }
        let clamped = max(20, min(milliseconds, Self.maxToneMilliseconds))
        let frames = min((clamped + 19) / 20, maxFrames)
        self.digit = digit
        self.startTimestamp = startTimestamp
        totalUnits = UInt16(frames) * unitsPerFrame
        elapsedUnits = 0
        endPacketsSent = 0
        return true
    }

    /// The packet for this 20 ms frame, nil when no digit is being sent (send audio instead).
    public mutating func nextPacket() -> DtmfPacket? {
        guard let digit else { return nil }
        let first = elapsedUnits == 0
        if elapsedUnits < totalUnits { elapsedUnits += unitsPerFrame }
        let isEnd = elapsedUnits >= totalUnits
        if isEnd {
            endPacketsSent += 1
            if endPacketsSent == Self.endPacketCount { self.digit = nil }
        }
        return DtmfPacket(payloadType: payloadType, timestamp: startTimestamp, marker: first,
                          event: TelephoneEvent(event: digit.event, isEnd: isEnd, volume: volume,
                                                duration: elapsedUnits))
    }
}
