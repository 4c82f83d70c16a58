import Glibc
import Runtime
import Testing
@testable import Media

/// Every SDP of the conformance corpus (`Tests/Fixtures/conformance/`: Meta's published
/// samples and offers captured from real calls) through the path the box would take it on:
/// offers through the handset's answer path, answers through the business-initiated path
/// (`expected-sdp.json` says which). The box's own SDP stays strict: RFC 8839 ice-chars,
/// CRLF, one sha-256 fingerprint, Opus and telephone-event on the offer's numbers.
@Suite(.serialized) struct ConformanceSDPTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        let file: String
        let role: String
        let expect: String
        let reason: String?
        var testDescription: String { file }
    }

    static let folder: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures/conformance/"
    }()

    static func text(_ name: String) -> String {
        guard let bytes = FileContents.read(folder + name) else { fatalError("missing conformance file \(name)") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The sample with every candidate moved to loopback (port 9, discard), so the ICE agent
    /// these tests start never aims a check at Meta's real addresses; nothing else changes.
    static func onLoopback(_ sdp: String) -> String {
        var lines: [Substring] = []
        for line in sdp.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("a=candidate:") else { lines.append(line); continue }
            var fields = line.split(separator: " ", omittingEmptySubsequences: false)
            if fields.count > 5 {
                fields[4] = fields[4].contains(":") ? "::1" : "127.0.0.1"
                fields[5] = "9"
            }
            lines.append(Substring(fields.joined(separator: " ")))
        }
        return lines.joined(separator: "\n")
    }

    static let expectations: [Expectation] = {
        guard let document = try? JSONParser.parse(Array(text("expected-sdp.json").utf8)) else { return [] }
        return (document.members ?? []).filter { !$0.name.hasPrefix("_") }.map {
            Expectation(file: $0.name, role: $0.value["role"]?.string ?? "", expect: $0.value["expect"]?.string ?? "",
                        reason: $0.value["reason"]?.string)
        }
    }()

    static func files(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            names.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) })
        }
        return names
    }

    let loop = EventLoop()

    func engine() throws -> MediaEngine {
        MediaEngine(certificate: try DtlsCertificate.generate(), addresses: [SocketAddress(ipText: "127.0.0.1", port: 0)!], loop: loop) { _ in }
    }

    @Test func everySDPInTheCorpusHasAnExpectation() {
        #expect(Self.expectations.count >= 13)
        let named = Set(Self.expectations.map(\.file))
        for folder in ["meta-docs", "captures"] {
            for file in Self.files(in: Self.folder + folder) where file.hasSuffix(".sdp") {
                #expect(named.contains("\(folder)/\(file)"), "\(folder)/\(file) has no entry in expected-sdp.json")
            }
        }
    }

    @Test(arguments: expectations)
    func sampleTakesItsPath(_ item: Expectation) throws {
        let text = Self.onLoopback(Self.text(item.file))
        let parsed = try SessionDescription.parse(text)
        let audio = try #require(parsed.audioSection)
        // Payload types come from a=rtpmap, whatever their numbers (the SIP answer's are 107 and 101).
        #expect(audio.opusPayloadType != nil)
        let box = try engine()
        defer { box.shutDown() }
        switch (item.role, item.expect) {
        case ("offer", "answered"):
            let call = try box.answer(offer: text)
            try Self.expectStrict(call.localDescription, answering: audio)
        case ("answer", "applied"):
            let offer = try box.offer()
            try box.apply(answer: text, to: offer.id)
        case (let role, "refused"):
            let error = #expect(throws: MediaSetupError.self) {
                if role == "offer" {
                    _ = try box.answer(offer: text)
                } else {
                    try box.apply(answer: text, to: try box.offer().id)
                }
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains(item.reason ?? "?"), "\(error.map { "\($0)" } ?? "no error")")
        default:
            Issue.record("unknown expectation \(item.role)/\(item.expect)")
        }
    }

    /// Meta's offers may hold one IPv4 candidate, without msid or ssrc lines (spec §11.7): a real
    /// captured offer with its IPv6 candidate and those lines taken out is answered all the same.
    @Test func aRealOfferWithOneIPv4CandidateAndNoSsrcIsAnswered() throws {
        let real = Self.text("captures/sdp-offer-meta-uic-opensend-57.144.43.49.sdp")
        let trimmed = real.split(separator: "\r\n", omittingEmptySubsequences: false).filter { line in
            !(line.hasPrefix("a=candidate:") && line.contains(":face:")) && !line.hasPrefix("a=ssrc:") && !line.hasPrefix("a=msid")
        }.joined(separator: "\r\n")
        let offer = try SessionDescription.parse(Self.onLoopback(trimmed))
        let audio = try #require(offer.audioSection)
        #expect(audio.candidates.count == 1 && audio.ssrcAttributes.isEmpty)
        #expect(audio.candidates[0].extensions.map(\.name) == ["generation", "network-cost"], "no ufrag extension")
        let box = try engine()
        defer { box.shutDown() }
        try Self.expectStrict(try box.answer(offer: Self.onLoopback(trimmed)).localDescription, answering: audio)
    }

    /// Meta's answer over SIP reuses the offer's numbers (spec §11.7): found by a=rtpmap.
    @Test func payloadTypesAreFoundByRtpmapNotByNumber() throws {
        let audio = try #require(try SessionDescription.parse(Self.text("meta-docs/sdp-sip-bic-200ok-sdes-meta-answer-pt107.sdp")).audioSection)
        #expect(audio.opusPayloadType == 107)
        #expect(audio.telephoneEvent?.payloadType == 101)
        #expect(audio.telephoneEvent?.clockRate == 8_000)
        let parameters = OpusSendParameters(section: audio)
        #expect(parameters == OpusSendParameters(maxPlaybackRate: 16_000, spropMaxCaptureRate: 16_000, maxAverageBitrate: 20_000,
                                                 packetTimeMilliseconds: 20, maxPacketTimeMilliseconds: 20))
    }

    /// A browser's offer lists telephone-event at 48000 and 8000; the box takes 8000, Meta's
    /// rate. An offer with only 48000 gets 48000 back on the offer's number.
    @Test func telephoneEventAt48000AloneIsAnsweredAt48000() throws {
        let offer = Self.onLoopback(Self.text("meta-docs/sdp-bic-offer-meta-reference.sdp"))
        #expect(try SessionDescription.parse(offer).audioSection?.telephoneEvent?.clockRate == 8_000)
        let only48k = offer.split(separator: "\r\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("a=rtpmap:126 ") }.joined(separator: "\r\n")
            .replacing("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110 126", with: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110")
        let box = try engine()
        defer { box.shutDown() }
        let answer = try box.answer(offer: only48k).localDescription
        #expect(answer.contains("a=rtpmap:110 telephone-event/48000\r\n"))
        #expect(answer.contains("m=audio ") && answer.contains(" UDP/TLS/RTP/SAVPF 111 110\r\n"))
    }

    /// Meta's Graph reference sends its connect SDP with LF line ends (spec §11.7).
    @Test func anLFOnlyOfferFromMetasGraphReferenceIsAnswered() throws {
        let request = try JSONParser.parse(Array(Self.text("meta-docs/graph-calls-connect-request-graph-reference-LF-sdp.json").utf8))
        let sdp = Self.onLoopback(try #require(request["session"]?["sdp"]?.string))
        #expect(!sdp.contains("\r\n"))
        let box = try engine()
        defer { box.shutDown() }
        let call = try box.answer(offer: sdp)
        try Self.expectStrict(call.localDescription, answering: try #require(try SessionDescription.parse(sdp).audioSection))
    }

    static func expectStrict(_ answer: String, answering offer: SDPMediaSection) throws {
        let bytes = Array(answer.utf8)
        #expect(bytes.indices.allSatisfy { bytes[$0] != UInt8(ascii: "\n") || ($0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r")) },
                "line ends other than CRLF")
        let ours = try #require(try SessionDescription.parse(answer).audioSection)
        let iceChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        #expect(try #require(ours.iceUfrag).utf8.allSatisfy(iceChars.contains))
        #expect(try #require(ours.icePwd).utf8.allSatisfy(iceChars.contains))
        #expect(ours.fingerprints.map(\.algorithm) == ["sha-256"])
        #expect(ours.setup == .active)
        #expect(ours.mid == offer.mid)
        #expect(ours.opusPayloadType == offer.opusPayloadType)
        #expect(ours.telephoneEvent?.payloadType == offer.telephoneEvent?.payloadType)
        #expect(ours.payloadTypes == [offer.opusPayloadType, offer.telephoneEvent?.payloadType].compactMap { $0 })
    }
}
