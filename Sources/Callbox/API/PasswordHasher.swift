import COpenSSL
import Runtime

/// Agents' passwords, stored as `scrypt$N$r$p$salt$hash` (base64 fields): scrypt from
/// OpenSSL, a fresh 16-byte salt per password, so a stolen config is slow to attack.
public enum PasswordHasher {
    /// RFC 7914's interactive-login cost: 16 MiB of memory and ~50 ms on a Pi-class core.
    static let costN: UInt64 = 16_384
    static let blockSize: UInt64 = 8
    static let parallelism: UInt64 = 1
    static let saltBytes = 16
    static let hashBytes = 32
    /// OpenSSL refuses scrypt above its default 32 MiB unless told; 128·N·r is 16 MiB.
    static let memoryLimit: UInt64 = 64 << 20

    public static func hash(_ password: String) -> String? {
        var salt = [UInt8](repeating: 0, count: saltBytes)
        guard RAND_bytes(&salt, Int32(saltBytes)) == 1,
              let derived = derive(password, salt: salt, n: costN, r: blockSize, p: parallelism) else { return nil }
        return "scrypt$\(costN)$\(blockSize)$\(parallelism)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Constant-time check of a password against a stored value.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "scrypt",
              let n = UInt64(fields[1]), let r = UInt64(fields[2]), let p = UInt64(fields[3]),
              n >= 2, n <= 1 << 20, n & (n - 1) == 0, (1...32).contains(r), (1...16).contains(p),
              let salt = Base64.decode(fields[4]), let expected = Base64.decode(fields[5]), !expected.isEmpty,
              let derived = derive(password, salt: salt, n: n, r: r, p: p, length: expected.count) else { return false }
        return CRYPTO_memcmp(derived, expected, expected.count) == 0
    }

    private static func derive(_ password: String, salt: [UInt8], n: UInt64, r: UInt64, p: UInt64,
                               length: Int = hashBytes) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: length)
        let bytes = Array(password.utf8)
        let status = bytes.withUnsafeBufferPointer { passwordBuffer in
            passwordBuffer.withMemoryRebound(to: CChar.self) { chars in
                EVP_PBE_scrypt(chars.baseAddress, chars.count, salt, salt.count, n, r, p,
                               max(memoryLimit, 130 * n * r * p), &key, key.count)
            }
        }
        return status == 1 ? key : nil
    }
}
