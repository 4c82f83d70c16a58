/// Turns received telephone-event packets into DTMF digits, each exactly once.
///
/// RFC 4733 §2.5.1: all packets of one event share its start timestamp, the duration grows,
/// and the final (end) packet is sent three times. A digit is reported on the first packet of
/// a new event (SSRC, timestamp), so it is not missed when the end packets are lost, and the
/// retransmitted end packets and updates that follow are ignored.
public struct DtmfReceiver: Sendable {
    private var lastSsrc: UInt32?
    private var lastTimestamp: UInt32 = 0

    public init() {}

    /// Feed one packet of the telephone-event payload type with its payload bytes. Returns the
    /// digit when this packet starts a new DTMF event; nil for continuations, repeats,
    /// malformed payloads and non-DTMF events.
    public mutating func receive(_ packet: RtpPacket, in bytes: UnsafeRawBufferPointer) -> DtmfDigit? {
        guard packet.payloadRange.upperBound <= bytes.count else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadRange])
        guard let event = try? TelephoneEvent.parse(payload) else { return nil }
        return receive(event, ssrc: packet.ssrc, timestamp: packet.timestamp)
    }

    public mutating func receive(_ event: TelephoneEvent, ssrc: UInt32, timestamp: UInt32) -> DtmfDigit? {
        if lastSsrc == ssrc && lastTimestamp == timestamp { return nil }
        guard let digit = event.digit else { return nil }
        lastSsrc = ssrc
        lastTimestamp = timestamp
        return digit
    }
}
