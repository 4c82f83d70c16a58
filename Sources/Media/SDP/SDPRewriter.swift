/// Edits of SDP text written by someone else, which must otherwise pass through byte for byte.
public enum SDPRewriter {
    /// Drops every `a=fingerprint:` line whose hash is not sha-256, line end included, and keeps
    /// every other byte (spec §6.3: Meta handles only sha-256, and a browser's answer is relayed
    /// to it verbatim). A text with no sha-256 fingerprint loses all of them: Meta cannot use any.
    public static func keepingOnlySHA256Fingerprints(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let next = end < bytes.count ? end + 1 : end
            if !isForeignFingerprint(bytes[start..<end]) {
                out.append(contentsOf: bytes[start..<next])
            }
            start = next
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let fingerprintPrefix = Array("a=fingerprint:".utf8)
    private static let sha256 = Array("sha-256".utf8)

    private static func isForeignFingerprint(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.starts(with: fingerprintPrefix) else { return false }
        let algorithm = line.dropFirst(fingerprintPrefix.count).prefix { $0 != UInt8(ascii: " ") }
        // RFC 8122 §5: hash function names are case-insensitive.
        return !algorithm.map(lowercased).elementsEqual(sha256)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
    }
}
