/// Why the agent refused an input. None of these end the session: the refused candidate or
/// credential is simply not used, and the caller logs the reason.
public enum IceError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooManyLocalCandidates(limit: Int)
    case tooManyRemoteCandidates(limit: Int)
    case tooManyPairs(limit: Int)
    /// Only component 1 exists: RTP and RTCP share it (rtcp-mux, spec §6.1).
    case unsupportedComponent(Int)
    /// Only UDP candidates are used (spec §6.1: Meta offers UDP host candidates).
    case unsupportedTransport(String)
    /// ufrag or pwd outside RFC 8445 §5.3 (ice-chars, 4…256 / 22…256 characters).
    case invalidCredentials(String)
    /// An `a=candidate` value that does not follow RFC 8839 §5.1.
    case invalidCandidate(String)

    public var description: String {
        switch self {
        case .tooManyLocalCandidates(let limit): "more than \(limit) local candidates"
        case .tooManyRemoteCandidates(let limit): "more than \(limit) remote candidates"
        case .tooManyPairs(let limit): "more than \(limit) candidate pairs"
        case .unsupportedComponent(let component): "component \(component) (only 1, rtcp-mux)"
        case .unsupportedTransport(let transport): "transport \(transport) (only UDP)"
        case .invalidCredentials(let reason): "invalid ICE credentials: \(reason)"
        case .invalidCandidate(let reason): "invalid candidate: \(reason)"
        }
    }
}

/// Why connectivity ended or never came; the integrator records it with the call.
public enum IceFailureReason: Sendable, Equatable, CustomStringConvertible {
    /// No pair succeeded within `IceTiming.connectivityTimeoutMs`. `lastErrorCode` is the last
    /// STUN error the peer answered with (401: it did not accept our credentials).
    case connectivityTimeout(lastErrorCode: Int?)
    /// Every pair failed its check before the timeout.
    case allPairsFailed(lastErrorCode: Int?)
    /// No consent for `IceTiming.consentLostAfterMs` (RFC 7675 §5.1).
    case consentLost

    public var description: String {
        switch self {
        case .connectivityTimeout(let code): "media never connected: no candidate pair succeeded" + (code.map { " (peer answered \($0))" } ?? "")
        case .allPairsFailed(let code): "media never connected: every candidate pair failed" + (code.map { " (peer answered \($0))" } ?? "")
        case .consentLost: "consent lost: no answer to consent checks"
        }
    }
}
