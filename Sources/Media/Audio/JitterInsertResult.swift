/// What the jitter buffer did with a packet handed to it.
public enum JitterInsertResult: Equatable, Sendable {
    case inserted
    /// Same frame already buffered.
    case duplicate
    /// Its frame has already been played (or concealed).
    case late
    /// Not the audio payload type this buffer decodes (telephone-event, comfort noise…).
    case otherPayloadType
    /// Not a valid RTP packet, or an empty payload.
    case malformed
    /// Payload larger than a slot (`JitterBuffer.slotPayloadBytes`).
    case tooLarge
    /// Accepted after discarding the buffer: new SSRC or a timestamp jump outside the window.
    case resynchronized
}
