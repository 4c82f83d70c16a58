/// Ids of calls that ended or were refused a moment ago, so a late or redelivered connect
/// does not ring again (spec §1.3: a retried `connect` can arrive after `terminate`).
/// The oldest id is forgotten first; connects older than `staleConnectAge` are refused anyway,
/// so the ring only has to cover the ids ended within that age.
public struct RecentlyEndedCalls: Sendable {
    /// Fewest ids remembered: a box with the default 8 slots ends far fewer than 256 calls a minute.
    public static let minimumCapacity = 256
    /// Ids remembered per call slot, for tables large enough to end more calls than that.
    public static let idsPerSlot = 4

    public let capacity: Int
    private var ids: ContiguousArray<CallId>
    /// `ids[i].fingerprint`, scanned first: a call id is up to 256 bytes, and comparing every
    /// remembered id in full on each webhook cost more than all the rest of an event.
    private var fingerprints: ContiguousArray<UInt64>
    private var next = 0

    public init(capacity: Int) {
        self.capacity = capacity
        ids = ContiguousArray()
        ids.reserveCapacity(capacity)
        fingerprints = ContiguousArray()
        fingerprints.reserveCapacity(capacity)
    }

    public init(for policy: CallPolicy) {
        self.init(capacity: max(RecentlyEndedCalls.minimumCapacity, policy.maxCalls * RecentlyEndedCalls.idsPerSlot))
    }

    public var count: Int { ids.count }

    public mutating func remember(_ id: CallId) {
        let fingerprint = id.fingerprint
        guard !contains(id, fingerprint: fingerprint) else { return }
        if ids.count < capacity {
            ids.append(id)
            fingerprints.append(fingerprint)
        } else {
            ids[next] = id
            fingerprints[next] = fingerprint
        }
        next = (next + 1) % capacity
    }

    public func contains(_ id: CallId) -> Bool {
        contains(id, fingerprint: id.fingerprint)
    }

    private func contains(_ id: CallId, fingerprint: UInt64) -> Bool {
        fingerprints.withUnsafeBufferPointer { prints in
            for index in prints.indices where prints[index] == fingerprint && ids[index] == id { return true }
            return false
        }
    }
}
