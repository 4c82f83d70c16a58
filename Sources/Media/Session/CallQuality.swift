import Glibc

/// A call's media quality for its record (DESIGN §2: loss, jitter, concealment and RTT go
/// into the call record), from the network thread's RTP/RTCP statistics and the audio
/// thread's jitter buffer.
public struct CallQuality: Sendable, Equatable {
    public var srtpProfile: String?
    public var packetsSent = 0
    public var packetsReceived = 0
    /// RFC 3550 cumulative loss as this box counted it.
    public var packetsLost = 0
    /// Interarrival jitter (RFC 3550 A.8) of the far end's stream.
    public var jitterMilliseconds = 0.0
    /// From the far end's receiver reports (LSR/DLSR); nil until one arrived.
    public var roundTripMilliseconds: Double?
    /// Loss the far end reported about our stream (fraction, 0...1), nil until reported.
    public var remoteFractionLost: Double?
    public var srtpFailures = 0
    public var audio = AudioStatistics()

    public var concealmentRatio: Double {
        audio.framesPlayed == 0 ? 0 : Double(audio.framesConcealed) / Double(audio.framesPlayed)
    }

    /// The JSON object stored in the call record's `quality` column.
    public var json: String {
        func number(_ value: Double) -> String {
            var text = String(Double(Int((value * 10).rounded())) / 10)
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }
        var fields: [(String, String)] = [
            ("packets_sent", "\(packetsSent)"), ("packets_received", "\(packetsReceived)"),
            ("packets_lost", "\(packetsLost)"), ("jitter_ms", number(jitterMilliseconds)),
            ("rtt_ms", roundTripMilliseconds.map(number) ?? "null"),
            ("remote_fraction_lost", remoteFractionLost.map { number($0 * 100) } ?? "null"),
            ("frames_played", "\(audio.framesPlayed)"), ("concealed_frames", "\(audio.framesConcealed)"),
            ("fec_frames", "\(audio.framesFEC)"), ("plc_frames", "\(audio.framesPLC)"),
            ("late_packets", "\(audio.late)"), ("concealment_ratio", String(concealmentRatio)),
            ("playout_delay_ms", "\(audio.targetDelayMilliseconds)"), ("srtp_failures", "\(srtpFailures)"),
        ]
        if let srtpProfile { fields.append(("srtp_profile", "\"\(srtpProfile)\"")) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// The network thread's half of `CallQuality`, read by the event loop when the call ends.
/// A mutex, because neither side is real-time.
final class QualityBoard: @unchecked Sendable {
    // @unchecked: `quality` is only touched with `mutex` held.
    private var mutex = pthread_mutex_t()
    private var quality = CallQuality()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func update(_ change: (inout CallQuality) -> Void) {
        pthread_mutex_lock(&mutex)
        change(&quality)
        pthread_mutex_unlock(&mutex)
    }

    func read() -> CallQuality {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return quality
    }
}
