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
    /// Audio thread only: how long packets waited between arrival and the render that took
    /// them, and how long taking a frame from the jitter buffer (the decode) lasted.
    private let arrivalToRender = LatencyHistogram()
    private let frameDecode = LatencyHistogram()
    private var framesSincePublished = 0
    /// RFC 4733 digits (the widget's keypad): queued by the event loop, sent by the audio
    /// thread in place of audio frames, one at a time with a pause between them.
    private var dtmf: DtmfSender?
    private let digits = DigitQueue()
    private var pauseFrames = 0
    /// RFC 4733 §2.5.1.2: the receiver needs a gap to tell two presses of one key apart.
    static let interDigitPauseFrames = 3
    /// Percentiles are summed up once a second: a scan of the buckets per frame is waste.
    static let latencyPublishFrames = 50

    /// `telephoneEvent` is the negotiated payload type and clock rate; `opus` what the far
    /// end's SDP asked of our Opus.
    init(opusPayloadType: UInt8, telephoneEvent: (payloadType: UInt8, clockRate: UInt32)?, opus: OpusSendParameters,
         ssrc: UInt32, wakeNetwork: EventLoop.Waker) throws(OpusError) {
        dtmf = telephoneEvent.map { DtmfSender(payloadType: $0.payloadType, clockRate: $0.clockRate) }
        encoder = try OpusEncoder(for: opus)
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

    /// Event loop: sends `text`'s keypad digits (0-9 * # A-D) as telephone-events. False
    /// when the far end negotiated none, or a character is not a digit, or too many wait.
    @discardableResult
    public func send(digits text: String) -> Bool {
        let parsed = text.compactMap(DtmfDigit.init)
        guard dtmf != nil, parsed.count == text.count, !parsed.isEmpty else { return false }
        return parsed.allSatisfy { digits.push($0.event) }
    }

    /// Audio thread: a telephone-event packet replaces this frame's audio, if one is due.
    private func sendingDigit(handedOver: Int64) -> Bool {
        guard var sender = dtmf else { return false }
        defer { dtmf = sender }
        if !sender.isSending {
            if pauseFrames > 0 {
                pauseFrames -= 1
                return false
            }
            guard let event = digits.pop(), let digit = DtmfDigit(event: event),
                  sender.start(digit, startTimestamp: self.sender.nextTimestamp) else { return false }
        }
        guard let next = sender.nextPacket(),
              let written = try? self.sender.writeTelephoneEvent(next, into: packet) else { return false }
        if !sender.isSending { pauseFrames = Self.interDigitPauseFrames }
        if outgoing.push(UnsafeRawBufferPointer(rebasing: packet[0..<written]), time: handedOver) { wakeNetwork.wake() }
        return true
    }

    /// Audio thread: one 20 ms captured frame in.
    public func captured(_ frame: UnsafeBufferPointer<Int16>) {
        // The packet carries the time its frame was handed over, so the media thread can
        // measure encode + queue + protect + send (the box's capture → wire delay).
        let handedOver = MonotonicClock.nanoseconds()
        if sendingDigit(handedOver: handedOver) { return }
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
        if outgoing.push(UnsafeRawBufferPointer(rebasing: packet[0..<written]), time: handedOver) {
            wakeNetwork.wake()
        }
    }

    /// Audio thread: the next 20 ms to play.
    public func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        let now = MonotonicClock.nanoseconds()
        while incoming.pop({ bytes, arrival in
            arrivalToRender.record(nanoseconds: now - arrival)
            jitterBuffer.insert(bytes, arrivalNanoseconds: arrival)
        }) {}
        let pulled = MonotonicClock.nanoseconds()
        let next = jitterBuffer.nextFrame()
        if next.kind != .silence {
            frameDecode.record(nanoseconds: MonotonicClock.nanoseconds() - pulled)
            published.firstAudio(at: now)
        }
        let count = min(frame.count, next.samples.count)
        for index in 0..<count { frame[index] = next.samples[index] }
        for index in count..<frame.count { frame[index] = 0 }
        published.record(next.kind, jitterBuffer.statistics)
        framesSincePublished += 1
        if framesSincePublished >= Self.latencyPublishFrames {
            framesSincePublished = 0
            published.record(arrivalToRender: arrivalToRender.summary, decode: frameDecode.summary)
        }
    }

    /// From any thread.
    public var statistics: AudioStatistics { published.snapshot() }
}

/// Keypad digits from the event loop to the audio thread: a small lock-free SPSC ring.
private final class DigitQueue: @unchecked Sendable {
    // @unchecked: a slot is written by the producer before `tail` is released and read by
    // the consumer after acquiring it, as in `PacketQueue`.

    /// A phone number's worth of digits waiting; more are refused.
    static let capacity = 32
    private let slots = UnsafeMutablePointer<UInt8>.allocate(capacity: DigitQueue.capacity)
    private let head = Atomic<Int>(0)
    private let tail = Atomic<Int>(0)

    init() { slots.initialize(repeating: 0, count: Self.capacity) }
    deinit { slots.deallocate() }

    func push(_ event: UInt8) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard position - head.load(ordering: .acquiring) < Self.capacity else { return false }
        slots[position % Self.capacity] = event
        tail.store(position + 1, ordering: .releasing)
        return true
    }

    func pop() -> UInt8? {
        let position = head.load(ordering: .relaxed)
        guard tail.load(ordering: .acquiring) > position else { return nil }
        let event = slots[position % Self.capacity]
        head.store(position + 1, ordering: .releasing)
        return event
    }
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
    /// Arrival on the media thread → the render that moved the packet into the jitter
    /// buffer (up to one audio period: render runs once per period).
    public var arrivalToRender = LatencySummary()
    /// Taking a frame from the jitter buffer: the Opus decode, FEC or PLC.
    public var decode = LatencySummary()
    /// CLOCK_MONOTONIC nanoseconds of the first rendered frame that came from a packet
    /// (decoded, or FEC/PLC after the first packet); nil until then.
    public var firstAudioNanoseconds: Int64?

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
    /// 0 until the first frame from a packet was rendered.
    let firstAudioNanoseconds = Atomic<Int64>(0)
    let arrivalToRenderP50 = Atomic<Int>(0)
    let arrivalToRenderP99 = Atomic<Int>(0)
    let arrivalToRenderCount = Atomic<Int>(0)
    let decodeP50 = Atomic<Int>(0)
    let decodeP99 = Atomic<Int>(0)
    let decodeCount = Atomic<Int>(0)

    func firstAudio(at nanoseconds: Int64) {
        _ = firstAudioNanoseconds.compareExchange(expected: 0, desired: nanoseconds, ordering: .relaxed)
    }

    func record(arrivalToRender: LatencySummary, decode: LatencySummary) {
        arrivalToRenderP50.store(arrivalToRender.p50Microseconds, ordering: .relaxed)
        arrivalToRenderP99.store(arrivalToRender.p99Microseconds, ordering: .relaxed)
        arrivalToRenderCount.store(arrivalToRender.count, ordering: .relaxed)
        decodeP50.store(decode.p50Microseconds, ordering: .relaxed)
        decodeP99.store(decode.p99Microseconds, ordering: .relaxed)
        decodeCount.store(decode.count, ordering: .relaxed)
    }

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
        statistics.arrivalToRender = LatencySummary(p50Microseconds: arrivalToRenderP50.load(ordering: .relaxed),
                                                    p99Microseconds: arrivalToRenderP99.load(ordering: .relaxed),
                                                    count: arrivalToRenderCount.load(ordering: .relaxed))
        statistics.decode = LatencySummary(p50Microseconds: decodeP50.load(ordering: .relaxed),
                                           p99Microseconds: decodeP99.load(ordering: .relaxed),
                                           count: decodeCount.load(ordering: .relaxed))
        let first = firstAudioNanoseconds.load(ordering: .relaxed)
        statistics.firstAudioNanoseconds = first == 0 ? nil : first
        return statistics
    }
}
