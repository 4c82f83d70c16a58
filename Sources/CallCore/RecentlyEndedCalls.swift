/// Ids of calls that ended or were refused a moment ago, so a late or redelivered connect
/// does not ring again (spec §1.3: a retried `connect` can arrive after `terminate`).
/// The oldest id is forgotten first; connects older than `staleConnectAge` are refused anyway,
/// so the ring only has to cover the ids ended within that age.
public struct RecentlyEndedCalls: Sendable {
    /// Ids remembered. A box with 8 slots ends far fewer than 256 calls per minute.
    public static let capacity = 256

    private var ids: ContiguousArray<CallId>
    private var next = 0

    public init() {
        ids = ContiguousArray()
        ids.reserveCapacity(RecentlyEndedCalls.capacity)
    }

    public var count: Int { ids.count }

    public mutating func remember(_ id: CallId) {
        guard !contains(id) else { return }
        if ids.count < RecentlyEndedCalls.capacity {
            ids.append(id)
        } else {
            ids[next] = id
        }
        next = (next + 1) % RecentlyEndedCalls.capacity
    }

    public func contains(_ id: CallId) -> Bool {
        ids.contains(id)
    }
}
