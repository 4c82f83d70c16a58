/// How the jitter buffer produced a 20 ms frame.
public enum JitterFrameKind: Equatable, Sendable {
    /// Nothing received yet, or buffering up to the target delay after a (re)start.
    case silence
    /// The frame's own packet, decoded.
    case decoded
    /// The frame's packet was lost; rebuilt from the in-band FEC of its successor.
    case fecRecovered
    /// Packet loss concealment: lost without a successor, an underrun, or a stretch.
    case concealed
}

/// One frame for the playback device: 960 S16 samples at 48 kHz.
public struct JitterFrame {
    public var kind: JitterFrameKind
    /// Points into the jitter buffer's own storage: valid until its next `nextFrame()`.
    public var samples: UnsafeBufferPointer<Int16>
}
