import COpus
import CShims

/// libopus's encoder, wrapped once: 48 kHz mono VOIP, in-band FEC on, fixed 20 ms frames.
///
/// After `init` nothing allocates: `encode` writes into the caller's buffer (typically the
/// payload area of the RTP packet buffer). Owned by one thread at a time (the audio thread);
/// it is `Sendable` only so it can be created elsewhere and handed over.
public final class OpusEncoder: @unchecked Sendable {
    /// Spec §6.1: Meta's fmtp asks for `maxaveragebitrate=20000`; 24 kb/s is the usual WebRTC
    /// wideband voice rate. The integrator passes the negotiated value.
    public static let defaultBitrate: Int32 = 24_000
    /// RFC 7587 §3.1.1: 6 kb/s is Opus's floor; 510 kb/s its ceiling.
    public static let bitrateRange: ClosedRange<Int32> = 6_000...510_000
    /// Expected loss the encoder provisions FEC for (libwebrtc starts near 10 %).
    public static let defaultPacketLossPercent: Int32 = 10
    /// 0...10; 5 keeps a Raspberry-Pi-class core well under 1 % per call (see MediaBench).
    public static let defaultComplexity: Int32 = 5

    private let state: OpaquePointer
    public let bitrate: Int32
    public let complexity: Int32
    /// The widest audio band coded, from the far end's `maxplaybackrate` (RFC 7587 §6.1).
    public let maxBandwidth: Int32

    /// The narrowest Opus band that still carries `rate` (RFC 7587 §6.1's mapping of
    /// maxplaybackrate to the coded band); full band when the far end names none.
    public static func bandwidth(forPlaybackRate rate: Int32?) -> Int32 {
        guard let rate, rate > 0 else { return OPUS_BANDWIDTH_FULLBAND }
        switch rate {
        case ...8_000: return OPUS_BANDWIDTH_NARROWBAND
        case ...12_000: return OPUS_BANDWIDTH_MEDIUMBAND
        case ...16_000: return OPUS_BANDWIDTH_WIDEBAND
        case ...24_000: return OPUS_BANDWIDTH_SUPERWIDEBAND
        default: return OPUS_BANDWIDTH_FULLBAND
        }
    }

    /// The encoder for a far end whose SDP asked for `parameters`: no wider band than it plays
    /// back, no more bits than its `maxaveragebitrate`.
    public convenience init(for parameters: OpusSendParameters) throws(OpusError) {
        try self.init(bitrate: min(Self.defaultBitrate, parameters.maxAverageBitrate ?? Self.defaultBitrate),
                      maxBandwidth: Self.bandwidth(forPlaybackRate: parameters.maxPlaybackRate))
    }

    public init(bitrate: Int32 = OpusEncoder.defaultBitrate, complexity: Int32 = OpusEncoder.defaultComplexity,
                packetLossPercent: Int32 = OpusEncoder.defaultPacketLossPercent,
                maxBandwidth: Int32 = OPUS_BANDWIDTH_FULLBAND) throws(OpusError) {
        var error: Int32 = OPUS_OK
        guard let state = opus_encoder_create(OpusFormat.sampleRate, OpusFormat.channels, OPUS_APPLICATION_VOIP, &error),
              error == OPUS_OK else { throw .createFailed(code: error) }
        self.state = state
        self.bitrate = min(max(bitrate, Self.bitrateRange.lowerBound), Self.bitrateRange.upperBound)
        self.complexity = min(max(complexity, 0), 10)
        self.maxBandwidth = maxBandwidth
        for code in [cb_opus_set_max_bandwidth(state, maxBandwidth),
                     cb_opus_set_bitrate(state, self.bitrate),
                     cb_opus_set_complexity(state, self.complexity),
                     cb_opus_set_inband_fec(state, 1),
                     cb_opus_set_packet_loss_perc(state, min(max(packetLossPercent, 0), 100)),
                     cb_opus_set_signal(state, OPUS_SIGNAL_VOICE),
                     // Silence is encoded, not skipped: Meta needs media flowing (spec §6.2).
                     cb_opus_set_dtx(state, 0)] where code != OPUS_OK {
            opus_encoder_destroy(state)
            throw .controlFailed(code: code)
        }
    }

    deinit { opus_encoder_destroy(state) }

    /// Samples of algorithmic delay (for aligning tests; 312 at 48 kHz for VOIP).
    public var lookahead: Int {
        var samples: Int32 = 0
        return cb_opus_get_lookahead(state, &samples) == OPUS_OK ? Int(samples) : 0
    }

    /// Encodes one 20 ms frame and returns the packet's length in `output`.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) throws(OpusError) -> Int {
        guard pcm.count == OpusFormat.samplesPerFrame, let samples = pcm.baseAddress else {
            throw .wrongFrameLength(pcm.count)
        }
        guard let bytes = output.baseAddress, output.count > 0 else { throw .bufferTooSmall(needed: 1, available: 0) }
        let capacity = Int32(min(output.count, OpusFormat.maxPacketBytes))
        let length = opus_encode(state, samples, Int32(OpusFormat.samplesPerFrame),
                                 bytes.assumingMemoryBound(to: UInt8.self), capacity)
        guard length > 0 else { throw .encodeFailed(code: length) }
        return Int(length)
    }

    public func encode(_ pcm: [Int16], into output: UnsafeMutableRawBufferPointer) throws(OpusError) -> Int {
        let result: Result<Int, OpusError> = pcm.withUnsafeBufferPointer { samples in
            do throws(OpusError) { return .success(try encode(samples, into: output)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
