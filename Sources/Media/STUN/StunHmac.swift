import COpenSSL

/// The one place STUN touches OpenSSL: the HMACs of MESSAGE-INTEGRITY (SHA-1, RFC 8489 §14.5)
/// and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), and a constant-time comparison of them.
enum StunHmac {
    static let sha1Length = 20
    static let sha256Length = 32

    static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        authenticationCode(EVP_sha1(), length: sha1Length, key: key, message: message)
    }

    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        authenticationCode(EVP_sha256(), length: sha256Length, key: key, message: message)
    }

    private static func authenticationCode(_ digest: OpaquePointer?, length expected: Int, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let produced = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                output.withUnsafeMutableBufferPointer { outputBytes in
                    // An empty array may have no base address; OpenSSL wants a pointer anyway.
                    HMAC(digest, keyBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(keyBytes.count),
                         messageBytes.baseAddress ?? UnsafePointer(bitPattern: 1), messageBytes.count,
                         outputBytes.baseAddress, &length)
                }
            }
        }
        precondition(produced != nil && length == UInt32(expected), "OpenSSL HMAC unavailable")
        return Array(output[0..<expected])
    }

    /// Compares without leaking, through timing, how many leading bytes matched.
    static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: [UInt8]) -> Bool {
        let lhs = Array(lhs)
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
