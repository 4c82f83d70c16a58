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
        // Unused bytes are always zero, so comparing every word is exact; spelled out
        // because this runs for every slot and every remembered id on each webhook.
        a.length == b.length
            && a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
            && a.words.3 == b.words.3 && a.words.4 == b.words.4 && a.words.5 == b.words.5
            && a.words.6 == b.words.6 && a.words.7 == b.words.7 && a.words.8 == b.words.8
            && a.words.9 == b.words.9 && a.words.10 == b.words.10 && a.words.11 == b.words.11
    }

    public func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: $0) }
    }
}
