/// ice-ufrag and ice-pwd (RFC 8445 §5.3, RFC 8839 §5.4). Short-term credentials: checks carry
/// USERNAME `remote:local` and MESSAGE-INTEGRITY keyed with the receiver's pwd.
public struct IceCredentials: Sendable, Equatable {
    public let ufrag: String
    public let pwd: String

    /// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4).
    static let iceChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// ufrag carries at least 24 bits of randomness: 4 ice-chars (RFC 8445 §5.3).
    public static let minUfragLength = 4
    /// pwd carries at least 128 bits: 22 ice-chars (RFC 8445 §5.3).
    public static let minPwdLength = 22
    /// Both are at most 256 characters (RFC 8839 §5.4).
    public static let maxLength = 256
    /// A peer's credentials may be shorter than RFC 8445's floors and hold any visible ASCII:
    /// Meta's ice-pwd is base64 with `=` padding (spec §11.7). Only ours must be ice-chars.
    static let minRemoteLength = 1
    /// What `random()` produces: above the minimums, short enough for compact SDP.
    static let generatedUfragLength = 8
    static let generatedPwdLength = 24

    /// A peer's credentials, as its SDP gave them.
    public init(ufrag: String, pwd: String) throws(IceError) {
        func check(_ value: String, _ name: String) throws(IceError) {
            let bytes = Array(value.utf8)
            guard bytes.count >= Self.minRemoteLength, bytes.count <= Self.maxLength else {
                throw .invalidCredentials("\(name) has \(bytes.count) characters, \(Self.minRemoteLength)…\(Self.maxLength) allowed")
            }
            guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw .invalidCredentials("\(name) has a character outside visible ASCII")
            }
        }
        try check(ufrag, "ufrag")
        try check(pwd, "pwd")
        self.ufrag = ufrag
        self.pwd = pwd
    }

    /// Fresh credentials from the system's cryptographic generator.
    public static func random() -> IceCredentials {
        var generator = SystemRandomNumberGenerator()
        func text(_ count: Int) -> String {
            String(decoding: (0..<count).map { _ in iceChars[Int(generator.next(upperBound: UInt64(iceChars.count)))] }, as: UTF8.self)
        }
        // Lengths and alphabet are valid by construction.
        return IceCredentials(unchecked: text(generatedUfragLength), pwd: text(generatedPwdLength))
    }

    private init(unchecked ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }
}
