/// The adaptive playout buffer between the network and the handset: reorders packets,
/// drops duplicates and late ones, conceals loss (FEC from the successor, else PLC), and keeps
/// the delay near a target that follows the measured jitter.
///
/// Threading: single-threaded by design. It runs on the real-time audio thread; the network
/// thread hands it packets through the integrator's lock-free queue, with the arrival time
/// taken on receipt. After `init` neither `insert` nor `nextFrame` allocates, locks or does
/// I/O: payloads are copied into fixed slots, frames decoded into the decoder's fixed buffer.
///
/// Indexing: frames are indexed by RTP timestamp (960 per 20 ms frame), not by sequence
/// number, because telephone-event packets share the audio stream's sequence space (spec §6.1)
/// and would otherwise look like lost audio; a timestamp gap is real time without audio.
///
/// Adaptation: the target is `jitterMultiplier` × the jitter estimate, rounded up to whole
/// frames and bounded to 20...200 ms, starting at 40 ms until `adaptationWarmUpPackets` have
/// been measured. Each pull moves the delay by at most one frame: one buffered frame is
/// dropped when the delay exceeds the target by more than a frame, one concealment frame is
/// inserted when it is below (never on two pulls in a row, so the last frame before a
/// pause is played rather than held back until the next talk-spurt). Empty slots (loss, silence without DTX marker) are skipped at
/// once since skipping them loses no audio.
public final class JitterBuffer: @unchecked Sendable {
    /// 64 frames = 1.28 s of audio; far beyond the 200 ms target ceiling, so a burst or a
    /// stall of the audio thread does not overflow it.
    public static let capacity = 64
    /// Ethernet MTU: no datagram the box receives unfragmented carries a larger payload.
    public static let slotPayloadBytes = 1_500
    public static let frameMilliseconds = OpusFormat.frameMilliseconds
    /// RFC 7587 §4.1: 20 ms at 48 kHz.
    public static let samplesPerFrame: Int64 = 960
    /// Before enough jitter has been measured: two frames, the usual WebRTC starting point.
    public static let initialTargetMilliseconds = 40
    public static let minTargetMilliseconds = 20
    /// Beyond 200 ms conversation suffers more from delay than from concealed loss (ITU-T G.114).
    public static let maxTargetMilliseconds = 200
    /// Target = multiplier × mean interarrival jitter, covering most of the arrival spread.
    public static let jitterMultiplier = 4.0
    /// One second of packets before the jitter estimate moves the target.
    public static let adaptationWarmUpPackets = 50
    /// A single interarrival deviation counts at most this much, so a stall does not swamp
    /// the estimator.
    public static let maxJitterSampleMilliseconds = 500.0

    private struct Slot {
        var frame: Int64 = -1
        var length = 0
        var occupied = false
    }

    public let payloadType: UInt8
    public private(set) var statistics = JitterBufferStatistics()

    private let decoder: OpusDecoder
    private let payloads: UnsafeMutableRawPointer
    private let slots: UnsafeMutablePointer<Slot>
    private let silence: UnsafeMutablePointer<Int16>

    private var ssrc: UInt32?
    private var referenceTimestamp: UInt32 = 0
    private var referenceFrame: Int64 = 0
    /// The next frame to play.
    private var cursor: Int64 = 0
    /// The newest frame received.
    private var highest: Int64 = -1
    private var hasPackets = false
    private var playing = false
    private var decodedOnce = false
    private var stretchedLastPull = false
    /// While buffering before playout, a reordered packet may move the cursor back, but
    /// never behind what was already played before a talk-spurt restart.
    private var earliestUnplayed: Int64 = .min
    private var targetFrames: Int
    private var jitterMilliseconds = 0.0
    private var lastArrivalMilliseconds: Double?
    private var lastTimestamp: UInt32 = 0

    /// `payloadType` is the negotiated Opus PT (111 with Meta); others are refused.
    public init(payloadType: UInt8) throws(OpusError) {
        self.payloadType = payloadType
        decoder = try OpusDecoder()
        payloads = .allocate(byteCount: Self.capacity * Self.slotPayloadBytes, alignment: 16)
        slots = .allocate(capacity: Self.capacity)
        slots.initialize(repeating: Slot(), count: Self.capacity)
        silence = .allocate(capacity: OpusFormat.samplesPerFrame)
        silence.initialize(repeating: 0, count: OpusFormat.samplesPerFrame)
        targetFrames = Self.initialTargetMilliseconds / Self.frameMilliseconds
        statistics.targetDelayMilliseconds = Self.initialTargetMilliseconds
    }

    deinit {
        payloads.deallocate()
        slots.deallocate()
        silence.deallocate()
    }

    public var targetDelayMilliseconds: Int { targetFrames * Self.frameMilliseconds }

    /// Parses and inserts one RTP packet (after SRTP unprotection).
    @discardableResult
    public func insert(_ bytes: UnsafeRawBufferPointer, arrivalNanoseconds: Int64) -> JitterInsertResult {
        guard let packet = try? RtpPacket.parse(bytes) else {
            statistics.malformed += 1
            return .malformed
        }
        return insert(packet, in: bytes, arrivalNanoseconds: arrivalNanoseconds)
    }

    /// Inserts a packet already parsed from `bytes`.
    @discardableResult
    public func insert(_ packet: RtpPacket, in bytes: UnsafeRawBufferPointer, arrivalNanoseconds: Int64) -> JitterInsertResult {
        guard packet.payloadType == payloadType else {
            statistics.otherPayloadType += 1
            return .otherPayloadType
        }
        guard packet.payloadLength > 0, packet.payloadRange.upperBound <= bytes.count else {
            statistics.malformed += 1
            return .malformed
        }
        guard packet.payloadLength <= Self.slotPayloadBytes else {
            statistics.malformed += 1
            return .tooLarge
        }

        var result = JitterInsertResult.inserted
        var frame: Int64
        if !hasPackets || ssrc != packet.ssrc {
            if hasPackets { result = .resynchronized }
            if ssrc != nil && ssrc != packet.ssrc { decoder.reset(); decodedOnce = false }
            frame = restart(at: packet)
        } else {
            frame = frameIndex(of: packet.timestamp)
            if !playing && frame < cursor && frame >= earliestUnplayed && highest - frame < Int64(Self.capacity) {
                cursor = frame
            } else if frame < cursor - Int64(Self.capacity) || frame >= cursor + Int64(Self.capacity) {
                result = .resynchronized
                frame = restart(at: packet)
            } else if frame < cursor {
                // Late packets are the jitter the target must cover: measure them too.
                measureJitter(timestamp: packet.timestamp, arrivalNanoseconds: arrivalNanoseconds)
                statistics.late += 1
                return .late
            } else if packet.marker && playing && highest < cursor {
                // A new talk-spurt after silence: buffer up to the target again before playing.
                playing = false
                earliestUnplayed = cursor
                cursor = frame
            }
        }

        let slot = slots + Int(frame & Int64(Self.capacity - 1))
        if slot.pointee.occupied && slot.pointee.frame == frame {
            statistics.duplicates += 1
            return .duplicate
        }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadRange])
        if let source = payload.baseAddress {
            (payloads + Int(frame & Int64(Self.capacity - 1)) * Self.slotPayloadBytes)
                .copyMemory(from: source, byteCount: payload.count)
        }
        slot.pointee = Slot(frame: frame, length: payload.count, occupied: true)
        if frame > highest {
            highest = frame
            referenceFrame = frame
            referenceTimestamp = packet.timestamp
        }
        statistics.received += 1
        if result == .resynchronized { statistics.resynchronizations += 1 }
        measureJitter(timestamp: packet.timestamp, arrivalNanoseconds: arrivalNanoseconds)
        return result
    }

    /// The next 20 ms frame to play; call once per audio period.
    public func nextFrame() -> JitterFrame {
        guard hasPackets else { return frame(.silence) }
        var level = highest - cursor + 1
        if !playing {
            guard level >= Int64(targetFrames) else { return frame(.silence) }
            playing = true
        }
        statistics.currentDelayMilliseconds = Int(max(0, level)) * Self.frameMilliseconds
        statistics.maxDelayMilliseconds = max(statistics.maxDelayMilliseconds, statistics.currentDelayMilliseconds)

        if level <= 0 {
            statistics.underruns += 1
            return conceal()
        }
        // At most every other pull, so the last frame before a pause is still played.
        if level < Int64(targetFrames) && !stretchedLastPull {
            stretchedLastPull = true
            statistics.stretched += 1
            return conceal()
        }
        stretchedLastPull = false
        if level > Int64(targetFrames) + 1 {
            if isPresent(cursor) {
                clear(cursor)
                cursor += 1
                statistics.dropped += 1
            } else {
                while level > Int64(targetFrames) && !isPresent(cursor) {
                    clear(cursor)
                    cursor += 1
                    level -= 1
                    statistics.lost += 1
                }
            }
        }
        return play()
    }

    private func play() -> JitterFrame {
        defer {
            clear(cursor)
            cursor += 1
        }
        if isPresent(cursor) {
            do {
                try decoder.decode(payload(of: cursor))
                decodedOnce = true
                return JitterFrame(kind: .decoded, samples: decoder.frame)
            } catch {
                statistics.decodeErrors += 1
                return conceal()
            }
        }
        statistics.lost += 1
        if isPresent(cursor + 1) {
            do {
                try decoder.decodeFEC(fromNext: payload(of: cursor + 1))
                statistics.concealedByFEC += 1
                return JitterFrame(kind: .fecRecovered, samples: decoder.frame)
            } catch {
                statistics.decodeErrors += 1
            }
        }
        return conceal()
    }

    private func conceal() -> JitterFrame {
        guard decodedOnce else { return frame(.silence) }
        do {
            try decoder.conceal()
        } catch {
            statistics.decodeErrors += 1
            return frame(.silence)
        }
        statistics.concealedByPLC += 1
        return JitterFrame(kind: .concealed, samples: decoder.frame)
    }

    private func frame(_ kind: JitterFrameKind) -> JitterFrame {
        JitterFrame(kind: kind, samples: UnsafeBufferPointer(start: silence, count: OpusFormat.samplesPerFrame))
    }

    private func isPresent(_ frame: Int64) -> Bool {
        let slot = slots[Int(frame & Int64(Self.capacity - 1))]
        return slot.occupied && slot.frame == frame
    }

    private func clear(_ frame: Int64) {
        let slot = slots + Int(frame & Int64(Self.capacity - 1))
        if slot.pointee.frame == frame { slot.pointee.occupied = false }
    }

    private func payload(of frame: Int64) -> UnsafeRawBufferPointer {
        let index = Int(frame & Int64(Self.capacity - 1))
        return UnsafeRawBufferPointer(start: payloads + index * Self.slotPayloadBytes, count: slots[index].length)
    }

    /// Discards everything and makes `packet` frame 0 of a fresh stream.
    private func restart(at packet: RtpPacket) -> Int64 {
        for index in 0..<Self.capacity { slots[index].occupied = false }
        ssrc = packet.ssrc
        hasPackets = true
        playing = false
        referenceFrame = 0
        referenceTimestamp = packet.timestamp
        cursor = 0
        highest = -1
        earliestUnplayed = .min
        lastArrivalMilliseconds = nil
        return 0
    }

    /// The frame of `timestamp`, relative to the newest packet so 32-bit wrap-around is free.
    private func frameIndex(of timestamp: UInt32) -> Int64 {
        let offset = Int64(Int32(bitPattern: timestamp &- referenceTimestamp))
        let half = Self.samplesPerFrame / 2
        let rounded = offset >= 0 ? (offset + half) / Self.samplesPerFrame
                                  : -((-offset + half - 1) / Self.samplesPerFrame)
        return referenceFrame + rounded
    }

    /// RFC 3550 A.8 in milliseconds: J += (|D| - J) / 16, D the change in transit time.
    private func measureJitter(timestamp: UInt32, arrivalNanoseconds: Int64) {
        let arrival = Double(arrivalNanoseconds) / 1_000_000
        defer {
            lastArrivalMilliseconds = arrival
            lastTimestamp = timestamp
        }
        guard let lastArrivalMilliseconds else { return }
        let mediaElapsed = Double(Int32(bitPattern: timestamp &- lastTimestamp)) * 1_000 / Double(OpusFormat.sampleRate)
        let deviation = min(abs((arrival - lastArrivalMilliseconds) - mediaElapsed), Self.maxJitterSampleMilliseconds)
        jitterMilliseconds += (deviation - jitterMilliseconds) / 16
        statistics.jitterMilliseconds = jitterMilliseconds
        guard statistics.received >= Self.adaptationWarmUpPackets else { return }
        let wanted = Int((Self.jitterMultiplier * jitterMilliseconds / Double(Self.frameMilliseconds)).rounded(.up))
        targetFrames = min(max(wanted, Self.minTargetMilliseconds / Self.frameMilliseconds),
                           Self.maxTargetMilliseconds / Self.frameMilliseconds)
        statistics.targetDelayMilliseconds = targetDelayMilliseconds
    }
}
