/// The attributes of one level (the session, or one media section) as they are read. The
/// ones Callbox acts on are checked against their RFC here, so a bad one is reported with
/// its line; any other attribute is only kept.
struct SDPAttributeScan {
    var attributes: [SDPAttribute] = []
    var mid: String?
    var bundle: [String]?
    var iceLite = false
    var iceUfrag: String?
    var icePwd: String?
    var fingerprints: [SDPFingerprint] = []
    var setup: SDPSetupRole?
    var direction: SDPDirection?
    var rtcpMux = false
    var rtpmaps: [SDPRTPMap] = []
    var formatParameters: [SDPFormatParameters] = []
    var candidates: [SDPCandidate] = []
    /// Lines of `a=fingerprint` attributes that could not be read and were skipped.
    var skippedFingerprintLines: [Int] = []
    /// Lines of `a=candidate` attributes that could not be read and were skipped.
    var skippedCandidateLines: [Int] = []
    var endOfCandidates = false
    var ssrcAttributes: [SDPSourceAttribute] = []
    var extmaps: [SDPExtmap] = []

    /// What the box accepts from a peer. RFC 8839 §5.4 says `ice-ufrag = 4*256ice-char` and
    /// `ice-pwd = 22*256ice-char` (ALPHA / DIGIT / "+" / "/"), but Meta writes base64 with `=`
    /// padding (`a=ice-pwd:+219v9nKr3xSQIn8s+Fy8g==`, real offers, spec §11.7), so a remote
    /// credential is any printable non-space ASCII; lengths keep RFC 8839's ceiling (Meta's
    /// are 4–24) and drop its floors, which only bind the side that makes the credential.
    static let remoteCredentialLengths = 1...256
    /// What the box sends (`LocalMediaParameters`): RFC 8839 §5.4 exactly.
    static let iceUfragLengths = 4...256
    static let icePwdLengths = 22...256

    /// Reads the text after `a=`.
    mutating func absorb(_ text: Substring, line: Int) throws(SDPError) {
        let (name, value): (Substring, Substring?) = SDPText.split(text, at: UInt8(ascii: ":")).map { ($0.0, Optional($0.1)) } ?? (text, nil)
        attributes.append(SDPAttribute(name: String(name), value: value.map(String.init), line: line))
        switch name {
        case "mid":
            let mid = try Self.required(value, name: name, line: line)
            guard SDPText.isToken(mid) else {
                throw SDPError(.badAttribute, line: line, "expected a=mid:<token>, found \(SDPText.quoted(mid))")
            }
            try Self.once(self.mid, name: name, line: line)
            self.mid = String(mid)
        case "group":
            let fields = SDPText.fields(try Self.required(value, name: name, line: line))
            guard fields.first == "BUNDLE", bundle == nil else { return }
            for mid in fields.dropFirst() where !SDPText.isToken(mid) {
                throw SDPError(.badAttribute, line: line, "expected a=group:BUNDLE <mid>…, found \(SDPText.quoted(mid))")
            }
            bundle = fields.dropFirst().map(String.init)
        case "ice-lite":
            iceLite = true
        case "ice-ufrag":
            let ufrag = try Self.iceCredential(value, name: name, line: line)
            try Self.once(iceUfrag, name: name, line: line)
            iceUfrag = ufrag
        case "ice-pwd":
            let pwd = try Self.iceCredential(value, name: name, line: line)
            try Self.once(icePwd, name: name, line: line)
            icePwd = pwd
        case "fingerprint":
            // RFC 8122 §5: fingerprints with hashes one does not know are ignored; an unreadable
            // one (Meta's docs mask theirs with `*`) is too. A description left with none is
            // refused where a fingerprint is needed, naming that.
            if let fingerprint = try? SDPFingerprint.parse(try Self.required(value, name: name, line: line), line: line) {
                fingerprints.append(fingerprint)
            } else {
                skippedFingerprintLines.append(line)
            }
        case "setup":
            let role = try SDPSetupRole.parse(try Self.required(value, name: name, line: line), line: line)
            try Self.once(setup, name: name, line: line)
            setup = role
        case "sendrecv", "sendonly", "recvonly", "inactive":
            try Self.once(direction, name: "direction", line: line)
            direction = SDPDirection(rawValue: String(name))
        case "rtcp-mux":
            rtcpMux = true
        case "rtpmap":
            let map = try SDPRTPMap.parse(try Self.required(value, name: name, line: line), line: line)
            guard !rtpmaps.contains(where: { $0.payloadType == map.payloadType }) else {
                throw SDPError(.conflictingAttribute, line: line, "expected one a=rtpmap for payload type \(map.payloadType), found another")
            }
            rtpmaps.append(map)
        case "fmtp":
            formatParameters.append(try SDPFormatParameters.parse(try Self.required(value, name: name, line: line), line: line))
        case "candidate":
            // RFC 8839 §5.1: a candidate the agent cannot use (an unknown transport or type, an
            // odd extension) is ignored, not a reason to refuse the offer; the rest still connect.
            if let candidate = try? SDPCandidate.parse(try Self.required(value, name: name, line: line), line: line) {
                candidates.append(candidate)
            } else {
                skippedCandidateLines.append(line)
            }
        case "end-of-candidates":
            endOfCandidates = true
        case "ssrc":
            ssrcAttributes.append(try SDPSourceAttribute.parse(try Self.required(value, name: name, line: line), line: line))
        case "extmap":
            extmaps.append(try SDPExtmap.parse(try Self.required(value, name: name, line: line), line: line))
        default:
            return
        }
    }

    private static func required(_ value: Substring?, name: Substring, line: Int) throws(SDPError) -> Substring {
        guard let value, !value.isEmpty else {
            throw SDPError(.badAttribute, line: line, "expected a value after a=\(name):")
        }
        return value
    }

    private static func once<T>(_ existing: T?, name: Substring, line: Int) throws(SDPError) {
        guard existing == nil else {
            throw SDPError(.conflictingAttribute, line: line, "expected one \(name) attribute here, found another")
        }
    }

    private static func iceCredential(_ value: Substring?, name: Substring, line: Int) throws(SDPError) -> String {
        let text = try required(value, name: name, line: line)
        let lengths = remoteCredentialLengths
        guard lengths.contains(text.utf8.count), SDPText.isPrintableASCII(text) else {
            throw SDPError(.badAttribute, line: line, "expected a=\(name): with \(lengths.lowerBound) to \(lengths.upperBound) printable characters and no spaces, found \(SDPText.quoted(text))")
        }
        return String(text)
    }
}
