/// Meta's call id (`wacid.…`), kept inline so a call slot, an event and an action can carry
/// it without touching the heap.
public struct CallId: Hashable, Sendable, CustomStringConvertible {
    /// Longest id accepted, in bytes. Real ids are base64 text of 100–110 bytes with `wacid.`
    /// and `==` padding (Meta's reference samples and captured webhooks, spec §11.7, e.g. a
    /// 104-byte `wacid.HBgL…FQIAAA==`); the old bound of 96 refused every real call. 256 is
    /// Meta's length more than doubled, and anything longer is refused by the webhook decoder
    /// instead of truncated.
    public static let maxLength = 256

    /// `maxLength` bytes: 32 words of 8.
    private var words = InlineArray<32, UInt64>(repeating: 0)
    private var length: UInt16 = 0

    /// Refuses empty ids, ids longer than `maxLength` and any byte outside printable ASCII
    /// (`!`…`~`): such an id cannot have come from Meta and must never reach a Graph URL or a
    /// log line unescaped. Everything printable is kept verbatim, `=` padding included: the
    /// id is opaque and case-sensitive (spec §11.7).
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
        length = UInt16(count)
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
        // Unused bytes are always zero, so comparing the words the longer id uses is exact;
        // this runs for every slot and every remembered id on each webhook.
        guard a.length == b.length else { return false }
        let used = (Int(a.length) + 7) / 8
        for index in 0..<used where a.words[index] != b.words[index] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: $0) }
    }
}
