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
    /// `CallAudio.captured` → the SRTP packet handed to the socket (encode, queue, protect, send).
    public var captureToSend = LatencySummary()
    /// What the handset around the media adds, set by whoever runs the audio thread: a
    /// captured sample waits up to one period before `captured` sees it, and a rendered
    /// frame waits behind what is already queued for the earpiece.
    public var handset: HandsetTiming?

    /// The handset's share of a call's timing, known only to the handset's owner.
    public struct HandsetTiming: Sendable, Equatable {
        public var capturePeriodMilliseconds: Double
        public var playbackLeadMilliseconds: Double
        /// The hook lifted to answer → the first frame from a packet rendered; nil for
        /// calls not answered by lifting it, or before that frame.
        public var offhookToFirstAudioMilliseconds: Double?

        public init(capturePeriodMilliseconds: Double, playbackLeadMilliseconds: Double,
                    offhookToFirstAudioMilliseconds: Double?) {
            self.capturePeriodMilliseconds = capturePeriodMilliseconds
            self.playbackLeadMilliseconds = playbackLeadMilliseconds
            self.offhookToFirstAudioMilliseconds = offhookToFirstAudioMilliseconds
        }
    }

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
        func latency(_ name: String, _ summary: LatencySummary) {
            fields.append(("\(name)_p50_ms", number(summary.p50Milliseconds)))
            fields.append(("\(name)_p99_ms", number(summary.p99Milliseconds)))
        }
        latency("capture_to_send", captureToSend)
        latency("arrival_to_render", audio.arrivalToRender)
        latency("decode", audio.decode)
        if let handset {
            // One-way delay the box adds per direction, jitter target (playout_delay_ms) apart.
            fields.append(("capture_period_ms", number(handset.capturePeriodMilliseconds)))
            fields.append(("capture_to_wire_ms", number(handset.capturePeriodMilliseconds + captureToSend.p50Milliseconds)))
            fields.append(("playback_lead_ms", number(handset.playbackLeadMilliseconds)))
            fields.append(("wire_to_playback_ms", number(audio.arrivalToRender.p50Milliseconds + audio.decode.p50Milliseconds
                                                            + handset.playbackLeadMilliseconds)))
            fields.append(("offhook_to_first_audio_ms", handset.offhookToFirstAudioMilliseconds.map(number) ?? "null"))
        }
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
