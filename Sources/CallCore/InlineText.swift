/// Up to `capacity` bytes of visible ASCII kept inline, so ids Meta sends (call ids, BSUIDs)
/// can sit in call slots, events and actions without touching the heap.
struct InlineText: Hashable, Sendable, CustomStringConvertible {
    /// 32 words of 8 bytes.
    static let capacity = 256

    private var words = InlineArray<32, UInt64>(repeating: 0)
    private var length: UInt16 = 0

    /// Refuses empty text, text longer than `maxLength` (at most `capacity`) and any byte
    /// outside visible ASCII (`!`…`~`): such text cannot have come from Meta and must never
    /// reach a Graph URL or a log line unescaped. Everything visible is kept verbatim.
    init?<Bytes: Sequence>(bytes: Bytes, maxLength: Int) where Bytes.Element == UInt8 {
        let limit = min(maxLength, Self.capacity)
        var count = 0
        let fits: Bool = withUnsafeMutableBytes(of: &words) { storage in
            for byte in bytes {
                guard count < limit, byte >= 0x21, byte <= 0x7E else { return false }
                storage[count] = byte
                count += 1
            }
            return true
        }
        guard fits, count > 0 else { return nil }
        length = UInt16(count)
    }

    var count: Int { Int(length) }

    func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(length)])) }
    }

    var description: String {
        withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    static func == (a: InlineText, b: InlineText) -> Bool {
        // Unused bytes are always zero, so comparing the words in use is exact; this runs for
        // every slot and every remembered id on each webhook.
        guard a.length == b.length else { return false }
        for index in 0..<((Int(a.length) + 7) / 8) where a.words[index] != b.words[index] { return false }
        return true
    }

    /// FNV-1a over the bytes: cheap, stable, and good enough to tell ids apart before comparing.
    var fingerprint: UInt64 {
        withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
    }

    func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: $0) }
    }
}
