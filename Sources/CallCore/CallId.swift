/// Meta's call id (`wacid.…`), kept inline so a call slot, an event and an action can carry
/// it without touching the heap.
public struct CallId: Hashable, Sendable, CustomStringConvertible {
    /// Longest id accepted, in bytes. Real ids are base64 text of 100–110 bytes with `wacid.`
    /// and `==` padding (Meta's reference samples and captured webhooks, spec §11.7, e.g. a
    /// 106-byte `wacid.HBgM…FQIAAA==`); the old bound of 96 refused every real call. 256 is
    /// Meta's length more than doubled, and anything longer is refused by the webhook decoder
    /// instead of truncated.
    public static let maxLength = InlineText.capacity

    private let text: InlineText

    /// Refuses empty ids, ids longer than `maxLength` and any byte outside visible ASCII.
    /// Everything visible is kept verbatim, `=` padding included: the id is opaque and
    /// case-sensitive (spec §11.7).
    public init?<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard let text = InlineText(bytes: bytes, maxLength: Self.maxLength) else { return nil }
        self.text = text
    }

    public init?(_ text: String) {
        self.init(bytes: text.utf8)
    }

    public var count: Int { text.count }

    /// The id's bytes, for the Graph request and journal writers, without building a String.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try text.withUTF8(body)
    }

    public var description: String { text.description }

    /// A 64-bit digest of the id (FNV-1a), the same in every run, for scanning many ids fast;
    /// equal ids have equal fingerprints, and only a match needs the full comparison.
    public var fingerprint: UInt64 { text.fingerprint }
}
