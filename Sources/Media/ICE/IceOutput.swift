/// One datagram for the integrator to send from the socket bound to `source` (the local
/// candidate's base) to `destination`.
public struct IceTransmit: Sendable, Equatable {
    public var bytes: [UInt8]
    public var source: SocketAddress
    public var destination: SocketAddress
}

/// What the agent tells the integrator besides datagrams.
public enum IceEvent: Sendable, Equatable {
    /// A pair is selected and media may flow to `remote` (also after a `.disconnected`).
    case connected(remote: SocketAddress)
    /// Media now goes over this pair (first selection, or a better nominated pair).
    case selectedPairChanged(IceCandidatePair)
    /// Consent checks are unanswered for `IceTiming.disconnectedAfterMs`; media may resume.
    case disconnected
    /// Consent expired (RFC 7675 §5.1): stop sending media. Followed by `.failed(.consentLost)`.
    case consentLost
    case failed(IceFailureReason)
    /// A role conflict was resolved by switching (RFC 8445 §7.3.1.1, §7.2.5.1).
    case roleChanged(IceRole)
    /// A peer-reflexive candidate could not be stored (a bound was hit); its check was answered.
    case remoteCandidateIgnored(SocketAddress, IceError)
}

/// The result of one input: datagrams to send now and events, both in order.
public struct IceOutput: Sendable, Equatable {
    public var transmits: [IceTransmit] = []
    public var events: [IceEvent] = []

    public init() {}
}
