/// What a `DtlsTransport` reports after a call: datagrams for the caller to send on the
/// shared UDP socket, in order, and what happened to the association.
public struct DtlsOutput: Sendable {
    public var datagrams: [[UInt8]]
    public var events: [DtlsEvent]

    public init(datagrams: [[UInt8]] = [], events: [DtlsEvent] = []) {
        self.datagrams = datagrams
        self.events = events
    }
}

/// A change in the association's life. Each is reported once.
public enum DtlsEvent: Sendable, Equatable {
    /// Handshake complete and the peer proved the SDP fingerprint: start SRTP with these keys.
    case connected(SrtpKeyingMaterial)
    /// The association is dead; the call has no media.
    case failed(DtlsFailure)
    /// The peer sent close_notify (RFC 5246 §7.2.1); the box answered with its own.
    case closed
}

/// Why a DTLS association failed.
public enum DtlsFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer's certificate does not hash to the fingerprint its SDP announced (RFC 5763 §5).
    case fingerprintMismatch
    /// The peer completed a handshake without a certificate.
    case noPeerCertificate
    /// The peer did not negotiate an SRTP profile we offered (RFC 5764 §4.1.1).
    case noSrtpProfile
    /// The handshake did not complete within `DtlsTransport.handshakeTimeoutMilliseconds`.
    case handshakeTimeout
    /// OpenSSL ended the handshake or connection: a received alert, a malformed message,
    /// too many retransmissions. The text is OpenSSL's error queue.
    case protocolFailure(String)
    /// The RFC 5705 exporter did not produce the SRTP keys.
    case keyExportFailed(String)
    /// The SSL context could not be set up (OpenSSL missing a feature, allocation failure).
    case setupFailed(String)

    public var description: String {
        switch self {
        case .fingerprintMismatch: "peer certificate does not match the SDP fingerprint"
        case .noPeerCertificate: "peer sent no certificate"
        case .noSrtpProfile: "peer negotiated no common SRTP profile"
        case .handshakeTimeout: "DTLS handshake timed out"
        case let .protocolFailure(reason): "DTLS failed: \(reason)"
        case let .keyExportFailed(reason): "SRTP key export failed: \(reason)"
        case let .setupFailed(reason): "DTLS setup failed: \(reason)"
        }
    }
}
