import COpenSSL
import Runtime

/// The secrets of one widget session: the token that the cookie carries and the CSRF token
/// that the widget echoes in `X-CSRF-Token`. Only the token's SHA-256 is stored, so reading
/// the database opens no session; a full-entropy token needs no salt or slow hash.
struct SessionToken {
    /// 256 bits from OpenSSL's CSPRNG: guessing one is out of reach (OWASP session guidance asks for ≥ 64).
    static let tokenBytes = 32

    let token: String
    let csrfToken: String

    /// Nil only if OpenSSL's random generator fails, which the caller reports as 503.
    static func generate() -> SessionToken? {
        guard let token = randomText(), let csrf = randomText() else { return nil }
        return SessionToken(token: token, csrfToken: csrf)
    }

    /// Base64url without padding (RFC 4648 §5): cookie- and header-safe with no quoting.
    static func randomText() -> String? {
        var bytes = [UInt8](repeating: 0, count: tokenBytes)
        guard RAND_bytes(&bytes, Int32(tokenBytes)) == 1 else { return nil }
        return String(Base64.encode(bytes).compactMap { character -> Character? in
            switch character {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: character
            }
        })
    }

    static func hash(_ token: String) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(token.utf8)
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
        return digest
    }

    /// Compares without leaking, through timing, how many leading bytes matched.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count, !left.isEmpty else { return false }
        return CRYPTO_memcmp(left, right, left.count) == 0
    }
}
