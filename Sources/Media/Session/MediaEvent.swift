/// What the media thread tells the event loop about a call's media.
public enum MediaEvent: Sendable, Equatable {
    /// ICE selected a pair and DTLS-SRTP keys are in place: audio can flow.
    case connected(MediaCallID)
    /// The media can no longer flow (ICE failed or consent lost, DTLS failed).
    case failed(MediaCallID, MediaFailure)
    /// An RFC 4733 digit from the far end.
    case dtmf(MediaCallID, Character)
}

/// Why a call's media stopped or never started, as the call record says it.
public enum MediaFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case iceFailed(String)
    case consentLost
    case dtlsFailed(String)
    case socket(String)

    public var description: String {
        switch self {
        case let .iceFailed(reason): "ICE failed: \(reason)"
        case .consentLost: "ICE consent lost (no answer to keep-alives for 30 s)"
        case let .dtlsFailed(reason): reason
        case let .socket(reason): "socket: \(reason)"
        }
    }

    /// The short spelling for journal rows and logs.
    public var code: String {
        switch self {
        case .iceFailed: "ice_failed"
        case .consentLost: "consent_lost"
        case .dtlsFailed: "dtls_failed"
        case .socket: "socket_error"
        }
    }
}

/// Refusals when a call's media cannot even be set up.
public enum MediaSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRemoteDescription(String)
    case noLocalAddress
    case socket(String)
    case unknownCall(MediaCallID)

    public var description: String {
        switch self {
        case let .badRemoteDescription(reason): "unusable SDP: \(reason)"
        case .noLocalAddress: "no local address to offer media on ([media] addresses)"
        case let .socket(reason): "cannot open a media socket: \(reason)"
        case let .unknownCall(id): "no media session \(id)"
        }
    }
}
