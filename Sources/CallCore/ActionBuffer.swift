/// The actions of one event, in a buffer the caller allocates once and reuses. Each event
/// method empties it first, keeping its storage, so handling an event allocates nothing as
/// long as the caller keeps no other copy of the buffer alive.
public struct ActionBuffer: RandomAccessCollection, Sendable {
    /// Most actions one event may produce. The longest sequence today is 6, a call ending:
    /// journal, Graph request, stop ringing or media, cancel timer, record, notify. The rest
    /// is headroom; the tests check every transition against it.
    public static let perEventCapacity = 16

    private var storage: ContiguousArray<CallAction>
    public let capacity: Int

    public init(capacity: Int = ActionBuffer.perEventCapacity) {
        storage = ContiguousArray()
        storage.reserveCapacity(capacity)
        self.capacity = capacity
    }

    /// Room for `CallTable.recover`, which acts on every slot at once.
    public static func forRecovery(of policy: CallPolicy) -> ActionBuffer {
        ActionBuffer(capacity: policy.maxCalls * perEventCapacity)
    }

    public var startIndex: Int { storage.startIndex }
    public var endIndex: Int { storage.endIndex }
    public subscript(position: Int) -> CallAction { storage[position] }

    mutating func append(_ action: CallAction) {
        precondition(storage.count < capacity, "ActionBuffer bound exceeded: \(capacity)")
        storage.append(action)
    }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
    }
}
