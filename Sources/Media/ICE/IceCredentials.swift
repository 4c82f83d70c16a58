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
    /// What `random()` produces: above the minimums, short enough for compact SDP.
    static let generatedUfragLength = 8
    static let generatedPwdLength = 24

    public init(ufrag: String, pwd: String) throws(IceError) {
        func check(_ value: String, _ name: String, min: Int) throws(IceError) {
            let bytes = Array(value.utf8)
            guard bytes.count >= min, bytes.count <= Self.maxLength else {
                throw .invalidCredentials("\(name) has \(bytes.count) characters, \(min)…\(Self.maxLength) allowed")
            }
            guard bytes.allSatisfy(Self.iceChars.contains) else { throw .invalidCredentials("\(name) has a character outside ice-char") }
        }
        try check(ufrag, "ufrag", min: Self.minUfragLength)
        try check(pwd, "pwd", min: Self.minPwdLength)
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
