/// An SRTP protection profile negotiated by the DTLS use_srtp extension (RFC 5764 §4.1.2).
/// Only the two profiles WebRTC peers (and Meta's relays) are known to offer are supported.
public enum SrtpProfile: Sendable, Equatable, CaseIterable {
    /// SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2): AES-128-GCM, 16-byte tag, 12-byte salt.
    case aeadAes128Gcm
    /// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2): AES-128 counter mode, 80-bit HMAC-SHA1 tag, 14-byte salt.
    case aes128CmHmacSha1_80

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes.
    public var saltLength: Int {
        switch self {
        case .aeadAes128Gcm: 12 // RFC 7714 §14.2
        case .aes128CmHmacSha1_80: 14 // RFC 3711 §8.2
        }
    }

    /// Bytes protection appends to an RTP packet (the authentication tag).
    public var rtpTrailerLength: Int {
        switch self {
        case .aeadAes128Gcm: 16 // RFC 7714 §14.2
        case .aes128CmHmacSha1_80: 10 // RFC 3711 §4.2, HMAC-SHA1 truncated to 80 bits
        }
    }

    /// Bytes protection appends to an RTCP packet: the E flag + SRTCP index word, then the tag.
    public var rtcpTrailerLength: Int { 4 + rtpTrailerLength } // RFC 3711 §3.4

    /// The profile's name in OpenSSL's use_srtp list and in `openssl s_client -use_srtp`.
    public var opensslName: String {
        switch self {
        case .aeadAes128Gcm: "SRTP_AEAD_AES_128_GCM"
        case .aes128CmHmacSha1_80: "SRTP_AES128_CM_SHA1_80"
        }
    }

    /// The two-byte SRTPProtectionProfile value on the wire.
    public var protectionProfileId: UInt16 {
        switch self {
        case .aeadAes128Gcm: 0x0007 // RFC 7714 §14.2
        case .aes128CmHmacSha1_80: 0x0001 // RFC 5764 §4.1.2
        }
    }

    /// The profile for a negotiated SRTPProtectionProfile value, nil when it is not one we offer.
    public init?(protectionProfileId: UInt16) {
        guard let profile = SrtpProfile.allCases.first(where: { $0.protectionProfileId == protectionProfileId }) else { return nil }
        self = profile
    }
}
