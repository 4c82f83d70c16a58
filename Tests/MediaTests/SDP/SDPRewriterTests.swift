import Testing
import Media

/// The fingerprint filter for the browser relay: only foreign fingerprint lines go, byte for byte.
@Suite struct SDPRewriterTests {
    @Test func aiortcLosesSHA384AndSHA512AndNothingElse() throws {
        let original = SDPFixture.text("aiortc-offer.sdp")
        let lines = original.split(separator: "\r\n", omittingEmptySubsequences: false)
        let expected = lines.filter { !$0.hasPrefix("a=fingerprint:sha-384") && !$0.hasPrefix("a=fingerprint:sha-512") }.joined(separator: "\r\n")
        let rewritten = SDPRewriter.keepingOnlySHA256Fingerprints(original)
        #expect(rewritten == expected)
        #expect(Array(original.utf8).count - Array(rewritten.utf8).count == lines.filter { $0.hasPrefix("a=fingerprint:sha-384") || $0.hasPrefix("a=fingerprint:sha-512") }.map { $0.utf8.count + 2 }.reduce(0, +))
        let audio = try #require(try SessionDescription.parse(rewritten).audioSection)
        #expect(audio.fingerprints.map(\.algorithm) == ["sha-256"])
    }

    @Test(arguments: ["chromium-offer.sdp", "chromium-answer.sdp", "meta-offer.sdp", "handwritten-firefox-shaped-lf.sdp"])
    func textWithOnlySHA256IsUntouched(name: String) {
        let text = SDPFixture.text(name)
        #expect(SDPRewriter.keepingOnlySHA256Fingerprints(text) == text)
    }

    @Test func bareLFUpperCaseNamesAndAMissingFinalLineEnd() {
        let text = "v=0\na=fingerprint:SHA-256 AB\na=fingerprint:SHA-384 CD\nx=\u{00E9}\u{301}\r\na=fingerprint:sha-512 EF"
        #expect(SDPRewriter.keepingOnlySHA256Fingerprints(text) == "v=0\na=fingerprint:SHA-256 AB\nx=\u{00E9}\u{301}\r\n")
    }

    @Test func onlyFingerprintAttributesAreConsidered() {
        let text = "a=x-fingerprint:sha-1 AB\r\n a=fingerprint:sha-1 AB\r\na=fingerprint:sha-2567 AB\r\n"
        #expect(SDPRewriter.keepingOnlySHA256Fingerprints(text) == "a=x-fingerprint:sha-1 AB\r\n a=fingerprint:sha-1 AB\r\n")
    }
}
