/// Where a pair is in its checks (RFC 8445 §6.1.2.6). There is one component and the box's
/// bases never share a foundation with each other, so no pair starts Frozen.
public enum IceCandidatePairState: Sendable, Equatable {
    case waiting, inProgress, succeeded, failed
}

/// A local candidate (the base the integrator sends from) and a remote candidate.
public struct IceCandidatePair: Sendable, Equatable, CustomStringConvertible {
    public var local: IceCandidate
    public var remote: IceCandidate
    public var priority: UInt64
    public var state: IceCandidatePairState
    public var nominated: Bool

    /// 2^32·min(G,D) + 2·max(G,D) + (G > D ? 1 : 0), G the controlling agent's candidate
    /// priority and D the controlled agent's (RFC 8445 §6.1.2.3).
    public static func priority(controlling: UInt32, controlled: UInt32) -> UInt64 {
        let g = UInt64(controlling)
        let d = UInt64(controlled)
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    public var description: String { "\(local.address) -> \(remote.address)" }
}
