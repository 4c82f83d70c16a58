import Testing
import Media

/// Each malformed line gives its own error kind and the number of the line at fault.
@Suite struct SDPErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let kind: SDPError.Kind
        let line: Int
        var testDescription: String { label }
    }

    static let head = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    static let media = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    /// The head and an m= line, then `line` as line 6.
    static func inMedia(_ line: String) -> String { head + media + line + "\r\n" }
    static let hex32 = Array(repeating: "AB", count: 32).joined(separator: ":")

    static let cases: [Case] = [
        Case(label: "no lines", text: "", kind: .empty, line: 1),
        Case(label: "only line ends", text: "\r\n\n", kind: .empty, line: 1),
        Case(label: "missing v=", text: "o=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n", kind: .missingVersion, line: 1),
        Case(label: "v=1", text: "v=1\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n", kind: .unsupportedVersion, line: 1),
        Case(label: "second v=", text: head + "v=0\r\n", kind: .misplacedLine, line: 5),
        Case(label: "not type=value", text: head + "this is not sdp\r\n", kind: .malformedLine, line: 5),
        Case(label: "upper-case type", text: head + "A=ice-lite\r\n", kind: .malformedLine, line: 5),
        Case(label: "unknown type", text: head + "x=1\r\n", kind: .unknownLineType, line: 5),
        Case(label: "unknown type in media", text: inMedia("x=1"), kind: .unknownLineType, line: 6),
        Case(label: "missing o=", text: "v=0\r\ns=-\r\nt=0 0\r\n", kind: .missingOrigin, line: 1),
        Case(label: "missing s=", text: "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\nt=0 0\r\n", kind: .missingSessionName, line: 1),
        Case(label: "o= with five fields", text: "v=0\r\no=- 1 2 IN IP4\r\ns=-\r\n", kind: .badOrigin, line: 2),
        Case(label: "o= with a signed id", text: "v=0\r\no=- -1 2 IN IP4 0.0.0.0\r\ns=-\r\n", kind: .badOrigin, line: 2),
        Case(label: "second o=", text: head + "o=- 1 2 IN IP4 0.0.0.0\r\n", kind: .misplacedLine, line: 5),
        Case(label: "o= after m=", text: inMedia("o=- 1 2 IN IP4 0.0.0.0"), kind: .misplacedLine, line: 6),
        Case(label: "c= with IP5", text: head + "c=IN IP5 1.2.3.4\r\n", kind: .badConnection, line: 5),
        Case(label: "c= with two fields", text: inMedia("c=IN IP4"), kind: .badConnection, line: 6),
        Case(label: "two c= in one section", text: inMedia("c=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.5"), kind: .misplacedLine, line: 7),
        Case(label: "m= with port 70000", text: head + "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", kind: .badMediaLine, line: 5),
        Case(label: "m= with port -1", text: head + "m=audio -1 UDP/TLS/RTP/SAVPF 111\r\n", kind: .badMediaLine, line: 5),
        Case(label: "m= with no format", text: head + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", kind: .badMediaLine, line: 5),
        Case(label: "m= with payload type 128", text: head + "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", kind: .badMediaLine, line: 5),
        Case(label: "m= with a named RTP format", text: head + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n", kind: .badMediaLine, line: 5),
        Case(label: "m= with port count 0", text: head + "m=audio 9/0 UDP/TLS/RTP/SAVPF 111\r\n", kind: .badMediaLine, line: 5),
        Case(label: "setup sideways", text: inMedia("a=setup:sideways"), kind: .badAttribute, line: 6),
        Case(label: "setup twice", text: inMedia("a=setup:active\r\na=setup:passive"), kind: .conflictingAttribute, line: 7),
        Case(label: "mid with a space", text: inMedia("a=mid:a b"), kind: .badAttribute, line: 6),
        Case(label: "mid twice", text: inMedia("a=mid:0\r\na=mid:1"), kind: .conflictingAttribute, line: 7),
        Case(label: "empty mid", text: inMedia("a=mid:"), kind: .badAttribute, line: 6),
        Case(label: "two directions", text: inMedia("a=sendrecv\r\na=recvonly"), kind: .conflictingAttribute, line: 7),
        Case(label: "ice-ufrag with a space", text: inMedia("a=ice-ufrag:ab cd"), kind: .badAttribute, line: 6),
        Case(label: "ice-pwd of 257 chars", text: inMedia("a=ice-pwd:" + String(repeating: "p", count: 257)), kind: .badAttribute, line: 6),
        Case(label: "ice-ufrag with a non-ASCII letter", text: inMedia("a=ice-ufrag:abcé"), kind: .badAttribute, line: 6),
        Case(label: "session ice-ufrag twice", text: head + "a=ice-ufrag:abcd\r\na=ice-ufrag:efgh\r\n", kind: .conflictingAttribute, line: 6),
        Case(label: "rtpmap with payload type 200", text: inMedia("a=rtpmap:200 opus/48000/2"), kind: .badAttribute, line: 6),
        Case(label: "rtpmap without clock rate", text: inMedia("a=rtpmap:111 opus"), kind: .badAttribute, line: 6),
        Case(label: "rtpmap with clock rate 0", text: inMedia("a=rtpmap:111 opus/0/2"), kind: .badAttribute, line: 6),
        Case(label: "rtpmap twice for one payload type", text: inMedia("a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 PCMU/8000"), kind: .conflictingAttribute, line: 7),
        Case(label: "fmtp with a named format", text: inMedia("a=fmtp:opus minptime=10"), kind: .badAttribute, line: 6),
        Case(label: "ssrc not a number", text: inMedia("a=ssrc:abc cname:x"), kind: .badAttribute, line: 6),
        Case(label: "ssrc beyond 32 bits", text: inMedia("a=ssrc:4294967296 cname:x"), kind: .badAttribute, line: 6),
        Case(label: "extmap id 0", text: inMedia("a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid"), kind: .badAttribute, line: 6),
        Case(label: "extmap with direction sideways", text: inMedia("a=extmap:1/sideways urn:ietf:params:rtp-hdrext:sdes:mid"), kind: .badAttribute, line: 6),
        Case(label: "extmap without URI", text: inMedia("a=extmap:1"), kind: .badAttribute, line: 6),
        Case(label: "group BUNDLE with a bad mid", text: head + "a=group:BUNDLE a,b\r\n", kind: .badAttribute, line: 5),
    ]

    @Test(arguments: cases)
    func malformedInputIsRefusedWithItsLine(_ item: Case) {
        let error = #expect(throws: SDPError.self) { try SessionDescription.parse(item.text) }
        #expect(error?.kind == item.kind)
        #expect(error?.line == item.line)
    }

    struct BadCandidate: CustomTestStringConvertible, Sendable {
        let label: String
        let text: String
        var testDescription: String { label }
    }

    /// RFC 8839 §5.1: a candidate the box cannot read is skipped, not a reason to refuse the
    /// offer; its line is kept for the log, and the candidate parser itself still refuses it.
    static let badCandidates: [BadCandidate] = [
        BadCandidate(label: "candidate without typ", text: inMedia("a=candidate:1 1 udp 2130706431 10.0.0.1 5000 host")),
        BadCandidate(label: "candidate with transport sctp", text: inMedia("a=candidate:1 1 sctp 2130706431 10.0.0.1 5000 typ host")),
        BadCandidate(label: "candidate with component 0", text: inMedia("a=candidate:1 0 udp 2130706431 10.0.0.1 5000 typ host")),
        BadCandidate(label: "candidate with priority beyond 32 bits", text: inMedia("a=candidate:1 1 udp 4294967296 10.0.0.1 5000 typ host")),
        BadCandidate(label: "candidate with address 999.1.1.1", text: inMedia("a=candidate:1 1 udp 2130706431 999.1.1.1 5000 typ host")),
        BadCandidate(label: "candidate with port 65536", text: inMedia("a=candidate:1 1 udp 2130706431 10.0.0.1 65536 typ host")),
        BadCandidate(label: "candidate with type relayed", text: inMedia("a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ relayed")),
        BadCandidate(label: "candidate with a dangling extension", text: inMedia("a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host generation")),
        BadCandidate(label: "candidate with tcptype unknown", text: inMedia("a=candidate:1 1 tcp 2130706431 10.0.0.1 9 typ host tcptype both")),
        BadCandidate(label: "candidate with a bad raddr", text: inMedia("a=candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr nowhere_ rport 1")),
    ]

    @Test(arguments: badCandidates)
    func unreadableCandidatesAreSkippedWithTheirLine(_ item: BadCandidate) throws {
        let audio = try #require(try SessionDescription.parse(item.text).audioSection)
        #expect(audio.candidates.isEmpty)
        #expect(audio.skippedCandidateLines == [6])
        let value = try #require(audio.attributes.first { $0.name == "candidate" }?.value)
        let error = #expect(throws: SDPError.self) { try SDPCandidate.parse(Substring(value), line: 6) }
        #expect(error?.kind == .badCandidate)
    }

    /// Real Meta credentials and foundations outside RFC 8839's ice-char, and lengths below its
    /// floors, are what peers send: accepted (spec §11.7).
    @Test(arguments: [
        ("a=ice-pwd:+219v9nKr3xSQIn8s+Fy8g==", "ice-pwd"), ("a=ice-pwd:F6/jjqL0/8/Dzluc0IoZEQ==", "ice-pwd"),
        ("a=ice-ufrag:6k2qP1R6kBfI/2", "ice-ufrag"), ("a=ice-ufrag:abc", "ice-ufrag"), ("a=ice-ufrag:ab:cd", "ice-ufrag"),
        ("a=ice-pwd:" + String(repeating: "p", count: 21), "ice-pwd"),
    ])
    func iceCredentialsAreTakenAsTheyCome(line: String, name: String) throws {
        let audio = try #require(try SessionDescription.parse(Self.inMedia(line)).audioSection)
        let value = String(line.dropFirst(name.count + 3))
        #expect((name == "ice-pwd" ? audio.icePwd : audio.iceUfrag) == value)
    }

    static let badFingerprints: [BadCandidate] = [
        BadCandidate(label: "fingerprint with bad hex", text: inMedia("a=fingerprint:sha-256 " + Array(repeating: "ZZ", count: 32).joined(separator: ":"))),
        BadCandidate(label: "fingerprint without colons", text: inMedia("a=fingerprint:sha-256 " + Array(repeating: "AB", count: 32).joined())),
        BadCandidate(label: "fingerprint of 31 bytes", text: inMedia("a=fingerprint:sha-256 " + Array(repeating: "AB", count: 31).joined(separator: ":"))),
        BadCandidate(label: "fingerprint without hash name", text: inMedia("a=fingerprint:" + hex32)),
    ]

    /// RFC 8122 §5: an unreadable fingerprint (Meta's docs mask theirs) is skipped, and the
    /// media refuses the description later for having none, naming that.
    @Test(arguments: badFingerprints)
    func unreadableFingerprintsAreSkippedWithTheirLine(_ item: BadCandidate) throws {
        let audio = try #require(try SessionDescription.parse(item.text).audioSection)
        #expect(audio.fingerprints.isEmpty)
        #expect(audio.skippedFingerprintLines == [6])
    }

    @Test func aFoundationOutsideIceCharsIsKept() throws {
        let audio = try #require(try SessionDescription.parse(Self.inMedia("a=candidate:a_b 1 udp 2130706431 10.0.0.1 5000 typ host")).audioSection)
        #expect(audio.candidates.map(\.foundation) == ["a_b"])
    }

    @Test func errorSaysWhatWasExpected() {
        do {
            _ = try SessionDescription.parse(Self.head + "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n")
            Issue.record("a port of 70000 was accepted")
        } catch {
            #expect(error.description == "SDP line 5: expected a port of 0 to 65535, found \"70000\"")
        }
    }

    @Test func unknownAttributesAndOddButLegalLinesAreKept() throws {
        let text = Self.head + "b=AS:30\r\na=x-vendor-thing\r\na=weird attribute: with spaces\r\n" + Self.media
            + "b=TIAS:20000\r\na=rtcp-fb:111 transport-cc\r\na=x-empty:\r\n"
        let description = try SessionDescription.parse(text)
        #expect(description.attributes.map(\.name) == ["x-vendor-thing", "weird attribute"])
        #expect(description.attributes[0].value == nil)
        #expect(description.lines.map(\.type) == ["v", "o", "s", "t", "b", "a", "a"])
        let audio = try #require(description.audioSection)
        #expect(audio.attributes.map(\.name) == ["rtcp-fb", "x-empty"])
        #expect(audio.attributes[1].value == "")
        #expect(audio.lines.map(\.type) == ["m", "b", "a", "a"])
        #expect(audio.direction == .sendrecv)
    }

    @Test func hostileBytesNeverCrash() {
        let inputs = [
            "v=0\r\no=\u{301} \u{301} \u{301} IN IP4 x\r\ns=\u{301}\r\n",
            "v=0\ro=- 1 2 IN IP4 0.0.0.0\rs=-\r",
            "v=0\r\n\r\n\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:\u{301} 1 udp 1 1.1.1.1 1 typ host\r\n",
            "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\na=fingerprint:sha-256 A\r\n",
            "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 1 " + String(repeating: "a", count: 10_000) + " 1 typ host\r\n",
            "v=0\r\no=- 99999999999999999999999999 2 IN IP4 0.0.0.0\r\ns=-\r\n",
        ]
        for input in inputs {
            _ = try? SessionDescription.parse(input)
        }
    }
}
