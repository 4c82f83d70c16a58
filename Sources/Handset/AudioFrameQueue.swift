import Synchronization

/// A bounded single-producer/single-consumer ring of fixed-size audio frames (one 20 ms
/// period of 16-bit samples each), for moving audio between the network side, the event
/// loop and the audio thread (DESIGN principle 4) without locks or allocation.
///
/// All storage is allocated once, in `init`. `push` and `pop` never allocate, never
/// block and never wait for the other side. A full queue REFUSES the new frame (and
/// counts it in `overflows`): dropping the oldest would mean the producer moving the
/// consumer's index, which a lock-free SPSC ring cannot do safely. The consumer, which
/// sees `count`, decides whether to skip frames to cut delay.
///
/// Exactly one thread may push and exactly one thread may pop.
public final class AudioFrameQueue: @unchecked Sendable {
    // @unchecked: `slots` is written only by the producer in the slot it owns (between
    // `head` and `tail + capacity`) and read only by the consumer in the slot it owns;
    // ownership passes through `tail` (release by the producer, acquire by the consumer)
    // and `head` (release by the consumer, acquire by the producer).

    /// 20 ms at 48 kHz mono, the profile's period and Opus's frame.
    public static let samplesPer20MillisecondsAt48kHz = 960

    public let capacity: Int
    public let samplesPerFrame: Int

    private let slots: UnsafeMutableBufferPointer<Int16>
    /// Frames ever popped; only the consumer stores it.
    private let head = Atomic<Int>(0)
    /// Frames ever pushed; only the producer stores it.
    private let tail = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    /// `capacity` frames of `samplesPerFrame` samples each (both at least 1).
    public init(capacity: Int, samplesPerFrame: Int = AudioFrameQueue.samplesPer20MillisecondsAt48kHz) {
        self.capacity = max(1, capacity)
        self.samplesPerFrame = max(1, samplesPerFrame)
        slots = .allocate(capacity: self.capacity * self.samplesPerFrame)
        slots.initialize(repeating: 0)
    }

    deinit { slots.deallocate() }

    /// Frames waiting; exact for the consumer, a lower bound of free space for the producer.
    public var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }

    /// Frames refused because the queue was full.
    public var overflows: Int { refused.load(ordering: .relaxed) }

    /// Producer side: copies one frame in. A shorter frame is padded with silence, a
    /// longer one cut to `samplesPerFrame`. Returns false (and counts an overflow) when full.
    @discardableResult
    public func push(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard position - head.load(ordering: .acquiring) < capacity else {
            refused.add(1, ordering: .relaxed)
            return false
        }
        let slot = slotStart(position)
        let copied = min(frame.count, samplesPerFrame)
        for index in 0..<copied { slots[slot + index] = frame[index] }
        for index in copied..<samplesPerFrame { slots[slot + index] = 0 }
        tail.store(position + 1, ordering: .releasing)
        return true
    }

    /// Consumer side: copies the oldest frame out (into at most `frame.count` samples,
    /// the rest of `frame` set to silence). Returns false, leaving `frame` untouched, when empty.
    public func pop(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        let position = head.load(ordering: .relaxed)
        guard tail.load(ordering: .acquiring) > position else { return false }
        let slot = slotStart(position)
        let copied = min(frame.count, samplesPerFrame)
        for index in 0..<copied { frame[index] = slots[slot + index] }
        for index in copied..<frame.count { frame[index] = 0 }
        head.store(position + 1, ordering: .releasing)
        return true
    }

    private func slotStart(_ position: Int) -> Int { (position % capacity) * samplesPerFrame }
}
