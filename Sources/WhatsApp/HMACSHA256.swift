import COpenSSL

/// The one place the WhatsApp module touches OpenSSL: HMAC-SHA256 and a constant-time
/// comparison, both needed to authenticate Meta's webhook deliveries and verify tokens.
enum HMACSHA256 {
    static let digestLength = 32

    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let produced = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                digest.withUnsafeMutableBufferPointer { digestBytes in
                    // An empty array may have no base address; OpenSSL wants a pointer anyway.
                    HMAC(EVP_sha256(), keyBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(keyBytes.count),
                         messageBytes.baseAddress ?? UnsafePointer(bitPattern: 1), messageBytes.count,
                         digestBytes.baseAddress, &length)
                }
            }
        }
        precondition(produced != nil && length == UInt32(digestLength), "OpenSSL HMAC-SHA256 unavailable")
        return Array(digest[0..<digestLength])
    }

    /// Compares without leaking, through timing, how many leading bytes matched.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
