import Synchronization

/// A bounded single-producer/single-consumer ring of datagrams (up to `slotBytes` each,
/// with their arrival time), allocated once: RTP from the network thread to the audio
/// thread and back, without locks or allocation (DESIGN principle 4). A full queue refuses
/// the packet and counts it; the consumer decides what a backlog means.
public final class PacketQueue: @unchecked Sendable {
    // @unchecked: a slot is written only by the producer while it owns it (between `head`
    // and `tail + capacity`) and read only by the consumer while it owns it; ownership
    // passes through `tail` (release/acquire) and `head` (release/acquire).

    /// An Ethernet MTU: no RTP packet the box sends or receives unfragmented is larger.
    public static let defaultSlotBytes = 1_500

    public let capacity: Int
    public let slotBytes: Int
    private let storage: UnsafeMutableRawPointer
    private let lengths: UnsafeMutableBufferPointer<Int>
    private let times: UnsafeMutableBufferPointer<Int64>
    private let head = Atomic<Int>(0)
    private let tail = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    public init(capacity: Int, slotBytes: Int = PacketQueue.defaultSlotBytes) {
        self.capacity = max(1, capacity)
        self.slotBytes = max(1, slotBytes)
        storage = .allocate(byteCount: self.capacity * self.slotBytes, alignment: 16)
        lengths = .allocate(capacity: self.capacity)
        lengths.initialize(repeating: 0)
        times = .allocate(capacity: self.capacity)
        times.initialize(repeating: 0)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        times.deallocate()
    }

    public var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
    public var overflows: Int { refused.load(ordering: .relaxed) }

    /// Producer side. False (and counted) when full or when the packet does not fit a slot.
    @discardableResult
    public func push(_ packet: UnsafeRawBufferPointer, time: Int64) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard packet.count <= slotBytes, position - head.load(ordering: .acquiring) < capacity else {
            refused.add(1, ordering: .relaxed)
            return false
        }
        let index = position % capacity
        if let base = packet.baseAddress {
            (storage + index * slotBytes).copyMemory(from: base, byteCount: packet.count)
        }
        lengths[index] = packet.count
        times[index] = time
        tail.store(position + 1, ordering: .releasing)
        return true
    }

    /// Consumer side: lends the oldest packet to `body` (valid only inside it), then frees
    /// its slot. False when empty.
    @discardableResult
    public func pop(_ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Bool {
        let position = head.load(ordering: .relaxed)
        guard tail.load(ordering: .acquiring) > position else { return false }
        let index = position % capacity
        body(UnsafeRawBufferPointer(start: storage + index * slotBytes, count: lengths[index]), times[index])
        head.store(position + 1, ordering: .releasing)
        return true
    }
}
