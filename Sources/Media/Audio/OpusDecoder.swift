import COpus
import CShims

/// libopus's decoder, wrapped once: 48 kHz mono into one preallocated 20 ms frame.
///
/// Every call leaves a full 960-sample frame in `frame`; nothing allocates after `init`.
/// Owned by one thread at a time (the audio thread, inside the jitter buffer).
public final class OpusDecoder: @unchecked Sendable {
    private let state: OpaquePointer
    private let samples: UnsafeMutablePointer<Int16>

    public init() throws(OpusError) {
        var error: Int32 = OPUS_OK
        guard let state = opus_decoder_create(OpusFormat.sampleRate, OpusFormat.channels, &error),
              error == OPUS_OK else { throw .createFailed(code: error) }
        self.state = state
        samples = .allocate(capacity: OpusFormat.samplesPerFrame)
        samples.initialize(repeating: 0, count: OpusFormat.samplesPerFrame)
    }

    deinit {
        opus_decoder_destroy(state)
        samples.deallocate()
    }

    /// The last frame produced, valid until the next call.
    public var frame: UnsafeBufferPointer<Int16> {
        UnsafeBufferPointer(start: samples, count: OpusFormat.samplesPerFrame)
    }

    /// Decodes one packet. A packet of more than 20 ms does not fit the frame and is refused;
    /// one of less (Meta's reference fmtp allows `minptime=10`) is completed with concealment.
    public func decode(_ packet: UnsafeRawBufferPointer) throws(OpusError) {
        guard let bytes = packet.baseAddress, !packet.isEmpty else { throw .decodeFailed(code: OPUS_INVALID_PACKET) }
        let decoded = opus_decode(state, bytes.assumingMemoryBound(to: UInt8.self), Int32(packet.count),
                                  samples, Int32(OpusFormat.samplesPerFrame), 0)
        guard decoded > 0 else { throw .decodeFailed(code: decoded) }
        try completeFrame(from: Int(decoded))
    }

    /// Rebuilds the frame before `next` from the in-band FEC (LBRR) data `next` carries;
    /// libopus falls back to concealment when it carries none.
    public func decodeFEC(fromNext next: UnsafeRawBufferPointer) throws(OpusError) {
        guard let bytes = next.baseAddress, !next.isEmpty else { throw .decodeFailed(code: OPUS_INVALID_PACKET) }
        let decoded = opus_decode(state, bytes.assumingMemoryBound(to: UInt8.self), Int32(next.count),
                                  samples, Int32(OpusFormat.samplesPerFrame), 1)
        guard decoded > 0 else { throw .decodeFailed(code: decoded) }
        try completeFrame(from: Int(decoded))
    }

    /// Packet loss concealment: a frame extrapolated from the decoder's history.
    public func conceal() throws(OpusError) {
        let decoded = opus_decode(state, nil, 0, samples, Int32(OpusFormat.samplesPerFrame), 0)
        guard decoded > 0 else { throw .decodeFailed(code: decoded) }
        try completeFrame(from: Int(decoded))
    }

    /// Forgets history, for a new stream (SSRC change).
    public func reset() {
        _ = cb_opus_decoder_reset(state)
    }

    private func completeFrame(from decoded: Int) throws(OpusError) {
        var filled = decoded
        while filled < OpusFormat.samplesPerFrame {
            let more = opus_decode(state, nil, 0, samples + filled, Int32(OpusFormat.samplesPerFrame - filled), 0)
            guard more > 0 else { throw .decodeFailed(code: more) }
            filled += Int(more)
        }
    }
}
