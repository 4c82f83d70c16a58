/// Counters and delays of one jitter buffer, for logs, `/metrics` and call records.
public struct JitterBufferStatistics: Equatable, Sendable {
    /// Audio packets accepted into the buffer.
    public var received = 0
    /// Packets whose frame had already been played.
    public var late = 0
    public var duplicates = 0
    /// Frames whose packet never arrived in time (concealed or skipped).
    public var lost = 0
    /// Lost frames rebuilt from the next packet's in-band FEC.
    public var concealedByFEC = 0
    /// Frames made by packet loss concealment (loss, underrun or stretch).
    public var concealedByPLC = 0
    /// Frames played as concealment because nothing was buffered.
    public var underruns = 0
    /// Concealment frames inserted to grow the delay toward the target.
    public var stretched = 0
    /// Buffered frames dropped to shrink the delay toward the target.
    public var dropped = 0
    /// Packets that failed to parse, had an empty payload or did not fit a slot.
    public var malformed = 0
    /// Packets of another payload type.
    public var otherPayloadType = 0
    /// Packets libopus refused to decode (concealed instead).
    public var decodeErrors = 0
    /// Times the buffer restarted on a new SSRC or a timestamp jump.
    public var resynchronizations = 0
    /// Audio buffered when the last frame was pulled.
    public var currentDelayMilliseconds = 0
    public var maxDelayMilliseconds = 0
    public var targetDelayMilliseconds = 0
    /// RFC 3550 A.8-style interarrival jitter estimate the target follows.
    public var jitterMilliseconds = 0.0

    public init() {}
}
