/// Which side of the DTLS handshake the box takes, from the SDP `a=setup` exchange
/// (RFC 5763 §5). WhatsApp §6.2: answering Meta's offer the box says `setup:active` and is
/// the client; when the box offers, Meta answers `setup:active` and the box is the server.
public enum DtlsRole: Sendable, Equatable {
    /// Sends the ClientHello.
    case client
    /// Waits for the ClientHello and requires the peer's certificate.
    case server
}
