/// Meta's call id (`wacid.…`), kept inline so a call slot, an event and an action can carry
/// it without touching the heap.
public struct CallId: Hashable, Sendable, CustomStringConvertible {
    /// Longest id accepted, in bytes. Meta's `wacid.` ids run to about 60 bytes; the rest is
    /// headroom, and anything longer is refused by the webhook decoder instead of truncated.
    public static let maxLength = 96

    typealias Words = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                       UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private var words: Words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var length: UInt8 = 0

    /// Refuses empty ids, ids longer than `maxLength` and any byte outside printable ASCII
    /// (`!`…`~`): such an id cannot have come from Meta and must never reach a Graph URL or a log line unescaped.
    public init?<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var count = 0
        let fits: Bool = withUnsafeMutableBytes(of: &words) { storage in
            for byte in bytes {
                guard count < CallId.maxLength, byte >= 0x21, byte <= 0x7E else { return false }
                storage[count] = byte
                count += 1
            }
            return true
        }
        guard fits, count > 0 else { return nil }
        length = UInt8(count)
    }

    public init?(_ text: String) {
        self.init(bytes: text.utf8)
    }

    public var count: Int { Int(length) }

    /// The id's bytes, for the Graph request and journal writers, without building a String.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(length)])) }
    }

    public var description: String {
        withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    public static func == (a: CallId, b: CallId) -> Bool {
        // Unused bytes are always zero, so whole words compare correctly.
        a.length == b.length && withUnsafeBytes(of: a.words) { left in
            withUnsafeBytes(of: b.words) { right in
                var offset = 0
                while offset < Int(a.length) {
                    if left.load(fromByteOffset: offset, as: UInt64.self) != right.load(fromByteOffset: offset, as: UInt64.self) {
                        return false
                    }
                    offset += 8
                }
                return true
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: $0) }
    }
}
