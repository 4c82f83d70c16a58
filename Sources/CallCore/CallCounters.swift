/// Counts for `/metrics`, in fixed storage so counting never allocates.
public struct CallCounters: Hashable, Sendable {
    private var states = FixedCounts()
    private var refusals = FixedCounts()

    /// Live states: calls in that state now. Terminal states: calls that ended so, since start.
    public func calls(in state: CallState.Name) -> UInt64 {
        states[Self.index(of: state)]
    }

    public func refusals(_ reason: RefusalReason) -> UInt64 {
        refusals[Self.index(of: reason)]
    }

    mutating func enter(_ state: CallState.Name) {
        states[Self.index(of: state)] += 1
    }

    mutating func leave(_ state: CallState.Name) {
        if !state.isTerminal { states[Self.index(of: state)] -= 1 }
    }

    mutating func count(_ reason: RefusalReason) {
        refusals[Self.index(of: reason)] += 1
    }

    private static func index(of state: CallState.Name) -> Int {
        switch state {
        case .dialing: 0
        case .ringing: 1
        case .answering: 2
        case .active: 3
        case .ending: 4
        case .ended: 5
        case .missed: 6
        case .rejected: 7
        case .failed: 8
        }
    }

    private static func index(of reason: RefusalReason) -> Int {
        switch reason {
        case .unknownCall: 0
        case .duplicateEvent: 1
        case .staleConnect: 2
        case .notAllowedInState: 3
        case .tableFull: 4
        case .recentlyEnded: 5
        case .staleTimer: 6
        }
    }
}

/// Sixteen counters inline; enough for every state name and refusal reason.
struct FixedCounts: Hashable, Sendable {
    private var values: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                         UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    subscript(index: Int) -> UInt64 {
        get { withUnsafeBytes(of: values) { $0.load(fromByteOffset: index * 8, as: UInt64.self) } }
        set { withUnsafeMutableBytes(of: &values) { $0.storeBytes(of: newValue, toByteOffset: index * 8, as: UInt64.self) } }
    }

    static func == (a: FixedCounts, b: FixedCounts) -> Bool {
        (0..<16).allSatisfy { a[$0] == b[$0] }
    }

    func hash(into hasher: inout Hasher) {
        for index in 0..<16 { hasher.combine(self[index]) }
    }
}
