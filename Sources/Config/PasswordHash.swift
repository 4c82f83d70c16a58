/// An agent's `password_hash`, as `callbox hash-password` prints it: a scheme name and
/// `$`-separated fields (`scrypt$N$r$p$salt$hash`, `pbkdf2-sha256$iterations$salt$hash`).
/// Only the shape is checked here; the fields belong to the password code.
public struct PasswordHash: Hashable, Sendable {
    public enum Scheme: String, Hashable, Sendable, CaseIterable {
        case scrypt
        case pbkdf2SHA256 = "pbkdf2-sha256"
    }

    public let scheme: Scheme
    /// The whole value as written, scheme included.
    public let encoded: String

    /// Scheme, salt and hash at the least.
    private static let fewestFields = 3

    static func parse(_ text: String) -> ValueParse<PasswordHash> {
        let expected = ValueProblem("scrypt$… or pbkdf2-sha256$… as printed by 'callbox hash-password'")
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= fewestFields, let scheme = Scheme(rawValue: String(fields[0])),
              fields.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isConfigSpace) }) else {
            return .failure(expected)
        }
        return .success(PasswordHash(scheme: scheme, encoded: text))
    }
}
