/// What Meta requires of an SDP the business sends (spec §3, §6.2): RFC 8866 text, passed as a
/// plain string, its lines ending all in CRLF or all in LF (Meta's own Graph reference sends its
/// connect SDP with LF, spec §11.7; the box itself always writes CRLF), exactly one sha-256 DTLS fingerprint (Meta handles no
/// other hash), and never `a=ice-lite` in an answer (the business must run full ICE,
/// controlling). Used by the fake Graph API to refuse what Meta would refuse, and available to
/// the box to check its own SDP before sending it.
public enum BusinessSDPRules {
    /// The first rule `sdp` breaks, or nil when Meta would accept it.
    public static func violation(in sdp: String, type: SDPType) -> String? {
        let bytes = Array(sdp.utf8)
        if let first = bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
           first == UInt8(ascii: "{") || first == UInt8(ascii: "\"") {
            return "sdp must be the SDP text itself, not JSON-encoded again"
        }
        let lf = !bytes.contains(0x0D)
        guard bytes.starts(with: Array((lf ? "v=0\n" : "v=0\r\n").utf8)) else { return "sdp must begin with \"v=0\" and a line end" }
        if !lf {
            for (index, byte) in bytes.enumerated() {
                if byte == 0x0A && (index == 0 || bytes[index - 1] != 0x0D) { return "sdp line \(lineNumber(bytes, index)) ends with a bare LF; the others end with CRLF" }
                if byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A) { return "sdp line \(lineNumber(bytes, index)) has a bare CR; lines end with CRLF" }
            }
        }
        guard bytes.last == 0x0A else { return "sdp must end with a line end" }
        let lines = sdp.split(separator: lf ? "\n" : "\r\n", omittingEmptySubsequences: true)
        let fingerprints = lines.filter { $0.hasPrefix("a=fingerprint:") }
        guard fingerprints.count == 1, fingerprints[0].lowercased().hasPrefix("a=fingerprint:sha-256 ") else {
            return fingerprints.isEmpty ? "No fingerprint found in SDP"
                : "sdp must carry exactly one a=fingerprint:sha-256 line, found \(fingerprints.count) fingerprint lines"
        }
        if type == .answer && lines.contains(where: { $0 == "a=ice-lite" }) {
            return "a business answer must not contain a=ice-lite: the business runs full ICE as the controlling agent"
        }
        return nil
    }

    private static func lineNumber(_ bytes: [UInt8], _ index: Int) -> Int {
        1 + bytes[..<index].filter { $0 == 0x0A }.count
    }
}
