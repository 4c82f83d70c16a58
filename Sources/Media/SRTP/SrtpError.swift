import CSRTP

/// Why an SRTP session could not be made or a packet could not be protected or unprotected.
/// A refused packet is dropped by the caller; none of these is fatal to the call.
public enum SrtpError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Key or salt length does not match the profile.
    case badKeyLength(profile: SrtpProfile, key: Int, salt: Int)
    /// `protect*` on an inbound session or `unprotect*` on an outbound one.
    case wrongDirection
    /// Too short, not RTP/RTCP version 2, or header fields that run past the end.
    case malformedPacket(String)
    /// The buffer has no room for the tag (and SRTCP index) protection appends.
    case noRoomForTrailer(needed: Int, available: Int)
    /// The authentication tag did not verify: tampered, wrong key, or not ours.
    case authenticationFailed
    /// Already received, or older than the replay window (RFC 3711 §3.3.2).
    case replayed
    /// Any other libsrtp status, with its srtp_err_status_t value.
    case library(code: Int32)

    init(status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: self = .replayed
        case srtp_err_status_parse_err, srtp_err_status_bad_param:
            self = .malformedPacket("libsrtp rejected the header (status \(status.rawValue))")
        default: self = .library(code: Int32(truncatingIfNeeded: status.rawValue))
        }
    }

    public var description: String {
        switch self {
        case let .badKeyLength(profile, key, salt):
            "\(profile.opensslName) needs a \(profile.keyLength)-byte key and \(profile.saltLength)-byte salt, got \(key) and \(salt)"
        case .wrongDirection: "packet sent through a session of the other direction"
        case let .malformedPacket(why): "malformed packet: \(why)"
        case let .noRoomForTrailer(needed, available): "buffer needs \(needed) bytes, has \(available)"
        case .authenticationFailed: "authentication tag did not verify"
        case .replayed: "replayed or too old for the replay window"
        case let .library(code): "libsrtp status \(code)"
        }
    }
}
