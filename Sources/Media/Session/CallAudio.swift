import Runtime
import Synchronization

/// One call's audio path on the real-time audio thread: each 20 ms the handset's captured
/// frame is Opus-encoded into an RTP packet for the media thread to protect and send, and
/// the frame to play is pulled from the jitter buffer. It allocates nothing per frame,
/// takes no lock and does no I/O; packets cross threads through two `PacketQueue`s.
public final class CallAudio: @unchecked Sendable {
    // @unchecked: `captured`/`render` and the encoder, sender and jitter buffer they use run
    // only on the audio thread; the queues are SPSC; statistics are atomics.

    /// 64 packets = 1.28 s each way: a stall of either thread well past the jitter target.
    public static let queueCapacity = 64
    /// RFC 7587: Opus's largest packet.
    static let maximumPayloadBytes = 1_275

    /// Network thread → audio thread: decrypted RTP of the audio payload type.
    let incoming = PacketQueue(capacity: CallAudio.queueCapacity)
    /// Audio thread → network thread: plain RTP, protected and sent there.
    let outgoing = PacketQueue(capacity: CallAudio.queueCapacity)

    private let encoder: OpusEncoder
    private let jitterBuffer: JitterBuffer
    private var sender: RtpStreamSender
    private let payload: UnsafeMutableRawBufferPointer
    private let packet: UnsafeMutableRawBufferPointer
    private let silence: UnsafeMutableBufferPointer<Int16>
    private let wakeNetwork: EventLoop.Waker
    private let muted = Atomic<Bool>(false)
    private let published = PublishedAudioStatistics()

    init(opusPayloadType: UInt8, ssrc: UInt32, wakeNetwork: EventLoop.Waker) throws(OpusError) {
        encoder = try OpusEncoder()
        jitterBuffer = try JitterBuffer(payloadType: opusPayloadType)
        sender = RtpStreamSender(payloadType: opusPayloadType, ssrc: ssrc)
        payload = .allocate(byteCount: Self.maximumPayloadBytes, alignment: 8)
        packet = .allocate(byteCount: PacketQueue.defaultSlotBytes, alignment: 8)
        silence = .allocate(capacity: Int(RtpStreamSender.samplesPerFrame))
        silence.initialize(repeating: 0)
        self.wakeNetwork = wakeNetwork
    }

    deinit {
        payload.deallocate()
        packet.deallocate()
        silence.deallocate()
    }

    public var ssrc: UInt32 { sender.ssrc }

    /// The handset's mute: the far end hears silence, and RTP keeps flowing (Meta drops a
    /// call that stops sending, spec §6.2).
    public var isMuted: Bool {
        get { muted.load(ordering: .relaxed) }
        set { muted.store(newValue, ordering: .relaxed) }
    }

    /// Audio thread: one 20 ms captured frame in.
    public func captured(_ frame: UnsafeBufferPointer<Int16>) {
        let length: Int
        do {
            length = try encoder.encode(isMuted ? UnsafeBufferPointer(silence) : frame, into: payload)
        } catch {
            published.encodeErrors.add(1, ordering: .relaxed)
            sender.skipFrame()
            return
        }
        guard let written = try? sender.writeAudio(UnsafeRawBufferPointer(rebasing: payload[0..<length]), into: packet) else {
            return
        }
        if outgoing.push(UnsafeRawBufferPointer(rebasing: packet[0..<written]), time: MonotonicClock.nanoseconds()) {
            wakeNetwork.wake()
        }
    }

    /// Audio thread: the next 20 ms to play.
    public func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        while incoming.pop({ bytes, arrival in jitterBuffer.insert(bytes, arrivalNanoseconds: arrival) }) {}
        let next = jitterBuffer.nextFrame()
        let count = min(frame.count, next.samples.count)
        for index in 0..<count { frame[index] = next.samples[index] }
        for index in count..<frame.count { frame[index] = 0 }
        published.record(next.kind, jitterBuffer.statistics)
    }

    /// From any thread.
    public var statistics: AudioStatistics { published.snapshot() }
}

/// What the audio path measured, for the call record.
public struct AudioStatistics: Sendable, Equatable {
    public var framesPlayed = 0
    public var framesDecoded = 0
    public var framesFEC = 0
    public var framesPLC = 0
    public var late = 0
    public var lost = 0
    public var duplicates = 0
    public var jitterMilliseconds = 0.0
    public var targetDelayMilliseconds = 0
    public var maxDelayMilliseconds = 0
    public var encodeErrors = 0

    public var framesConcealed: Int { framesFEC + framesPLC }
}

/// The audio thread's figures, published through atomics so another thread can read them
/// without stopping it.
private final class PublishedAudioStatistics: Sendable {
    let played = Atomic<Int>(0)
    let decoded = Atomic<Int>(0)
    let fec = Atomic<Int>(0)
    let plc = Atomic<Int>(0)
    let late = Atomic<Int>(0)
    let lost = Atomic<Int>(0)
    let duplicates = Atomic<Int>(0)
    let jitterMicroseconds = Atomic<Int>(0)
    let target = Atomic<Int>(0)
    let maxDelay = Atomic<Int>(0)
    let encodeErrors = Atomic<Int>(0)
    /// Frames before the first packet arrived are silence, not concealment.
    let started = Atomic<Bool>(false)

    func record(_ kind: JitterFrameKind, _ buffer: JitterBufferStatistics) {
        switch kind {
        case .silence:
            if started.load(ordering: .relaxed) { played.add(1, ordering: .relaxed) }
            return
        case .decoded: decoded.add(1, ordering: .relaxed)
        case .fecRecovered: fec.add(1, ordering: .relaxed)
        case .concealed: plc.add(1, ordering: .relaxed)
        }
        started.store(true, ordering: .relaxed)
        played.add(1, ordering: .relaxed)
        late.store(buffer.late, ordering: .relaxed)
        lost.store(buffer.lost, ordering: .relaxed)
        duplicates.store(buffer.duplicates, ordering: .relaxed)
        jitterMicroseconds.store(Int(buffer.jitterMilliseconds * 1_000), ordering: .relaxed)
        target.store(buffer.targetDelayMilliseconds, ordering: .relaxed)
        maxDelay.store(buffer.maxDelayMilliseconds, ordering: .relaxed)
    }

    func snapshot() -> AudioStatistics {
        var statistics = AudioStatistics()
        statistics.framesPlayed = played.load(ordering: .relaxed)
        statistics.framesDecoded = decoded.load(ordering: .relaxed)
        statistics.framesFEC = fec.load(ordering: .relaxed)
        statistics.framesPLC = plc.load(ordering: .relaxed)
        statistics.late = late.load(ordering: .relaxed)
        statistics.lost = lost.load(ordering: .relaxed)
        statistics.duplicates = duplicates.load(ordering: .relaxed)
        statistics.jitterMilliseconds = Double(jitterMicroseconds.load(ordering: .relaxed)) / 1_000
        statistics.targetDelayMilliseconds = target.load(ordering: .relaxed)
        statistics.maxDelayMilliseconds = maxDelay.load(ordering: .relaxed)
        statistics.encodeErrors = encodeErrors.load(ordering: .relaxed)
        return statistics
    }
}
