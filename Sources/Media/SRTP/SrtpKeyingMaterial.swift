/// The SRTP master keys and salts a DTLS-SRTP handshake produced (RFC 5764 §4.2), already
/// mapped to this endpoint: `local*` protects what we send, `remote*` unprotects what we
/// receive. Secret: never logged, and `description` does not print the bytes.
public struct SrtpKeyingMaterial: Sendable, Equatable, CustomStringConvertible {
    public let profile: SrtpProfile
    public let localKey: [UInt8]
    public let localSalt: [UInt8]
    public let remoteKey: [UInt8]
    public let remoteSalt: [UInt8]

    public init(profile: SrtpProfile, localKey: [UInt8], localSalt: [UInt8], remoteKey: [UInt8], remoteSalt: [UInt8]) {
        self.profile = profile
        self.localKey = localKey
        self.localSalt = localSalt
        self.remoteKey = remoteKey
        self.remoteSalt = remoteSalt
    }

    /// Splits the exporter output `client_key | server_key | client_salt | server_salt`
    /// (RFC 5764 §4.2) for the side that wrote with the client keys (`weAreClient`) or the
    /// server keys. Nil when `exported` is not exactly 2 × (key + salt) bytes.
    public init?(profile: SrtpProfile, exported: [UInt8], weAreClient: Bool) {
        let keyLength = profile.keyLength
        let saltLength = profile.saltLength
        guard exported.count == 2 * (keyLength + saltLength) else { return nil }
        let clientKey = Array(exported[0..<keyLength])
        let serverKey = Array(exported[keyLength..<(2 * keyLength)])
        let clientSalt = Array(exported[(2 * keyLength)..<(2 * keyLength + saltLength)])
        let serverSalt = Array(exported[(2 * keyLength + saltLength)...])
        if weAreClient {
            self.init(profile: profile, localKey: clientKey, localSalt: clientSalt, remoteKey: serverKey, remoteSalt: serverSalt)
        } else {
            self.init(profile: profile, localKey: serverKey, localSalt: serverSalt, remoteKey: clientKey, remoteSalt: clientSalt)
        }
    }

    public var description: String { "SrtpKeyingMaterial(\(profile.opensslName), keys redacted)" }
}
