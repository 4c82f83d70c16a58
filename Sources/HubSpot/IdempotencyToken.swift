/// An outbox key as one search token: `callbox` and 32 hex digits of its 128-bit FNV-1a hash.
/// Letters and digits only, so HubSpot's full-text tokenizer cannot split it (a wamid holds
/// `.`, `=` and `_`), and short enough for any token length limit. FNV is not cryptographic;
/// it need not be: the keys are the box's own, and 128 bits make an accidental match
/// between two of them negligible.
public enum IdempotencyToken {
    public static let prefix = "callbox"

    /// FNV-1a 128-bit parameters (draft-eastlake-fnv).
    static let offsetBasis: UInt128 = 0x6c62272e07bb014262b821756295c58d
    static let prime: UInt128 = 0x0000000001000000000000000000013B

    public static func token(for key: String) -> String {
        var hash = offsetBasis
        for byte in key.utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        let hex = String(hash, radix: 16)
        return prefix + String(repeating: "0", count: 32 - hex.count) + hex
    }
}
