/// What the box puts in its own SDP. Checked once, when made, so the builder can only ever
/// write valid SDP from it.
public struct LocalMediaParameters: Equatable, Sendable {
    /// `o=` session id; RFC 8829 §5.2.1 wants the top bit clear so it fits a signed 64-bit integer.
    public let sessionID: UInt64
    public let ufrag: String
    public let pwd: String
    /// SHA-256 digest of our DTLS certificate.
    public let fingerprintSHA256: [UInt8]
    public let candidates: [SDPCandidate]
    public let ssrc: UInt32
    public let cname: String

    /// SHA-256 digests are 32 bytes (FIPS 180-4).
    static let sha256Length = 32
    /// RFC 7022 §4.1 CNAMEs are short; RFC 3550 §6.5 caps an SDES item at 255 bytes.
    static let maxCNAMELength = 255

    public init(sessionID: UInt64, ufrag: String, pwd: String, fingerprintSHA256: [UInt8], candidates: [SDPCandidate], ssrc: UInt32, cname: String) throws(SDPError) {
        guard sessionID <= UInt64(Int64.max) else {
            throw SDPError(.badLocalParameters, line: 0, "expected a session id below 2^63, found \(sessionID)")
        }
        guard SDPAttributeScan.iceUfragLengths.contains(ufrag.utf8.count), SDPText.isICEChars(ufrag) else {
            throw SDPError(.badLocalParameters, line: 0, "expected an ICE ufrag of 4 to 256 ice-chars, found \(SDPText.quoted(ufrag))")
        }
        guard SDPAttributeScan.icePwdLengths.contains(pwd.utf8.count), SDPText.isICEChars(pwd) else {
            throw SDPError(.badLocalParameters, line: 0, "expected an ICE pwd of 22 to 256 ice-chars, found \(pwd.utf8.count) characters")
        }
        guard fingerprintSHA256.count == Self.sha256Length else {
            throw SDPError(.badLocalParameters, line: 0, "expected a 32-byte SHA-256 fingerprint, found \(fingerprintSHA256.count) bytes")
        }
        for candidate in candidates {
            // Writing then reading back is the one check that covers every field's grammar.
            guard (try? SDPCandidate.parse(Substring(candidate.attributeValue), line: 0)) == candidate else {
                throw SDPError(.badLocalParameters, line: 0, "expected a candidate that RFC 8839 can express, found \(SDPText.quoted(candidate.attributeValue))")
            }
        }
        guard cname.utf8.count <= Self.maxCNAMELength, SDPText.isNonWhitespace(cname) else {
            throw SDPError(.badLocalParameters, line: 0, "expected a CNAME of 1 to 255 visible characters, found \(SDPText.quoted(cname))")
        }
        self.sessionID = sessionID
        self.ufrag = ufrag
        self.pwd = pwd
        self.fingerprintSHA256 = fingerprintSHA256
        self.candidates = candidates
        self.ssrc = ssrc
        self.cname = cname
    }
}
