import Testing
import Media

/// The box's own SDP, as spec §6.2 lays it out, checked line by line and read back by our parser.
@Suite struct SDPBuilderTests {
    @Test func answerToMetaOfferIsExactlyTheSpecAnswer() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        let answer = try SDPBuilder.answer(to: offer, local: SDPFixture.local(), setup: .active)
        #expect(answer == SDPFixture.text("callbox-answer-to-meta-offer.sdp"))
        let lines = answer.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == [
            "v=0",
            "o=- 7301129584400391 2 IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE audio",
            "m=audio 50000 UDP/TLS/RTP/SAVPF 111 126",
            "c=IN IP4 192.168.1.40",
            "a=mid:audio",
            "a=ice-ufrag:cbx4",
            "a=ice-pwd:Zr8qN2vX6tL0pW4yK7mB1sDe",
            "a=fingerprint:sha-256 1F:3A:5C:7E:90:B2:D4:F6:18:3A:5C:7E:90:B2:D4:F6:18:3A:5C:7E:90:B2:D4:F6:18:3A:5C:7E:90:B2:D4:F6",
            "a=setup:active",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:126 telephone-event/8000",
            "a=ptime:20",
            "a=candidate:1 1 udp 2130706431 192.168.1.40 50000 typ host",
            "a=end-of-candidates",
            "a=ssrc:3735928559 cname:callbox",
            "",
        ])
        // CRLF only: every LF follows a CR, and no CR stands alone.
        let bytes = Array(answer.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"))
        }
        #expect(bytes.filter { $0 == UInt8(ascii: "\r") }.count == bytes.filter { $0 == UInt8(ascii: "\n") }.count)
    }

    @Test func answerToMetaOfferReadsBack() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        let answer = try SessionDescription.parse(SDPBuilder.answer(to: offer, local: SDPFixture.local()))
        #expect(!answer.iceLite)
        #expect(answer.mediaSections.count == 1)
        #expect(answer.groupBundle == ["audio"])
        let audio = try #require(answer.audioSection)
        #expect(audio.mid == "audio")
        #expect(audio.setup == .active)
        #expect(audio.fingerprints == [SDPFingerprint(algorithm: "sha-256", bytes: SDPFixture.boxFingerprint)])
        #expect(audio.payloadTypes == [111, 126])
        #expect(audio.opusPayloadType == 111)
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 126)
        #expect(audio.rtcpMux)
        #expect(audio.direction == .sendrecv)
        #expect(audio.candidates == [SDPFixture.boxCandidate])
        #expect(audio.endOfCandidates)
        #expect(audio.extmaps.isEmpty)
        #expect(!audio.attributes.contains { $0.name == "rtcp-fb" || $0.name == "ice-lite" })
        #expect(audio.ssrcAttributes == [SDPSourceAttribute(ssrc: 3_735_928_559, attribute: "cname", value: "callbox")])
    }

    @Test func answerIsDeterministic() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        #expect(try SDPBuilder.answer(to: offer, local: SDPFixture.local()) == SDPBuilder.answer(to: offer, local: SDPFixture.local()))
    }

    @Test func answerToAiortcUsesItsOpusPayloadTypeAndNoTelephoneEvent() throws {
        let offer = try SDPFixture.parsed("aiortc-offer.sdp")
        let text = try SDPBuilder.answer(to: offer, local: SDPFixture.local())
        #expect(text.contains("m=audio 50000 UDP/TLS/RTP/SAVPF 96\r\n"))
        #expect(text.contains("a=rtpmap:96 opus/48000/2\r\n"))
        #expect(text.contains("a=fmtp:96 minptime=10;useinbandfec=1\r\n"))
        #expect(!text.contains("telephone-event"))
        let audio = try #require(try SessionDescription.parse(text).audioSection)
        #expect(audio.mid == "0")
        #expect(audio.payloadTypes == [96])
    }

    @Test func answerToChromiumTakesTelephoneEvent8000NotRed() throws {
        let offer = try SDPFixture.parsed("chromium-offer.sdp")
        let audio = try #require(try SessionDescription.parse(SDPBuilder.answer(to: offer, local: SDPFixture.local())).audioSection)
        #expect(audio.payloadTypes == [111, 126])
        #expect(audio.mid == "0")
    }

    @Test func answerRejectsSectionsItDoesNotTake() throws {
        let offer = try SDPFixture.parsed("handwritten-firefox-shaped-lf.sdp")
        let answer = try SessionDescription.parse(SDPBuilder.answer(to: offer, local: SDPFixture.local()))
        #expect(answer.groupBundle == ["0"])
        #expect(answer.mediaSections.map(\.kind) == ["audio", "video"])
        #expect(answer.mediaSections.map(\.port) == [50_000, 0])
        #expect(answer.mediaSections[1].mid == "1")
        #expect(answer.mediaSections[1].formats == ["120", "124"])
        #expect(answer.audioSection?.payloadTypes == [109, 101])
    }

    @Test func answerWithoutCandidatesUsesThePlaceholderAddress() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        let text = try SDPBuilder.answer(to: offer, local: SDPFixture.local(candidates: []))
        #expect(text.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP4 0.0.0.0\r\n"))
        #expect(!text.contains("a=candidate"))
        #expect(text.contains("a=end-of-candidates\r\n"))
    }

    @Test func defaultCandidateMayBeIPv6OrAnMDNSName() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        let ipv6 = SDPCandidate(foundation: "2", component: 1, transport: .udp, priority: 2_130_706_175, address: "2001:db8::40", port: 50_002, type: .host)
        #expect(try SDPBuilder.answer(to: offer, local: SDPFixture.local(candidates: [ipv6])).contains("m=audio 50002 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP6 2001:db8::40\r\n"))
        let mdns = SDPCandidate(foundation: "3", component: 1, transport: .udp, priority: 2_130_706_175, address: "callbox-1.local", port: 50_004, type: .host)
        let text = try SDPBuilder.answer(to: offer, local: SDPFixture.local(candidates: [mdns]))
        #expect(text.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\nc=IN IP4 0.0.0.0\r\n"))
        #expect(text.contains("a=candidate:3 1 udp 2130706175 callbox-1.local 50004 typ host\r\n"))
    }

    @Test func offerWithoutMidGetsNoBundle() throws {
        let text = SDPFixture.text("meta-offer.sdp").replacingOccurrences("a=mid:audio\r\n", "").replacingOccurrences("a=group:BUNDLE audio\r\n", "")
        let answer = try SDPBuilder.answer(to: SessionDescription.parse(text), local: SDPFixture.local())
        #expect(!answer.contains("a=group:") && !answer.contains("a=mid:"))
        #expect(try SessionDescription.parse(answer).audioSection?.mid == nil)
    }

    @Test func answerMirrorsADirectionalOffer() throws {
        let text = SDPFixture.text("meta-offer.sdp").replacingOccurrences("a=sendrecv", "a=sendonly")
        let answer = try SessionDescription.parse(SDPBuilder.answer(to: SessionDescription.parse(text), local: SDPFixture.local()))
        #expect(answer.audioSection?.direction == .recvonly)
    }

    @Test func setupNegotiation() throws {
        let meta = SDPFixture.text("meta-offer.sdp")
        let activeOffer = try SessionDescription.parse(meta.replacingOccurrences("a=setup:actpass", "a=setup:active"))
        let passiveOffer = try SessionDescription.parse(meta.replacingOccurrences("a=setup:actpass", "a=setup:passive"))
        let holdOffer = try SessionDescription.parse(meta.replacingOccurrences("a=setup:actpass", "a=setup:holdconn"))
        let noSetupOffer = try SessionDescription.parse(meta.replacingOccurrences("a=setup:actpass\r\n", ""))
        let actpassOffer = try SessionDescription.parse(meta)
        let local = try SDPFixture.local()

        #expect(try SDPBuilder.answer(to: actpassOffer, local: local, setup: .passive).contains("a=setup:passive\r\n"))
        #expect(try SDPBuilder.answer(to: activeOffer, local: local, setup: .passive).contains("a=setup:passive\r\n"))
        #expect(try SDPBuilder.answer(to: passiveOffer, local: local, setup: .active).contains("a=setup:active\r\n"))
        for (offer, setup) in [(activeOffer, SDPSetupRole.active), (passiveOffer, .passive), (holdOffer, .active), (noSetupOffer, .active), (actpassOffer, .actpass), (actpassOffer, .holdconn)] {
            let error = #expect(throws: SDPError.self) { try SDPBuilder.answer(to: offer, local: local, setup: setup) }
            #expect(error?.kind == .setupConflict)
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let label: String
        let edit: @Sendable (String) -> String
        let kind: SDPError.Kind
        var testDescription: String { label }
    }

    static let refusals: [Refusal] = [
        Refusal(label: "no audio section", edit: { $0.replacingOccurrences("m=audio 40012", "m=video 40012") }, kind: .noAudioSection),
        Refusal(label: "audio rejected with port 0", edit: { $0.replacingOccurrences("m=audio 40012", "m=audio 0") }, kind: .noAudioSection),
        Refusal(label: "plain RTP/AVP", edit: { $0.replacingOccurrences("UDP/TLS/RTP/SAVPF", "RTP/AVP") }, kind: .unsupportedProtocol),
        Refusal(label: "no Opus", edit: { $0.replacingOccurrences("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 PCMU/8000") }, kind: .noOpus),
        Refusal(label: "Opus at 16000", edit: { $0.replacingOccurrences("opus/48000/2", "opus/16000/2") }, kind: .noOpus),
        Refusal(label: "no ice-ufrag", edit: { $0.replacingOccurrences("a=ice-ufrag:Qx7Lm2Pa\r\n", "") }, kind: .noICECredentials),
        Refusal(label: "no ice-pwd", edit: { $0.replacingOccurrences("a=ice-pwd:u8Rt3XvKp0Wz6Nq1Ys4Bd9Fh\r\n", "") }, kind: .noICECredentials),
        Refusal(label: "no fingerprint", edit: { $0.replacingOccurrences("a=fingerprint:", "a=x-fingerprint:") }, kind: .noFingerprint),
        Refusal(label: "only an md5 fingerprint", edit: { $0.replacingOccurrences("a=fingerprint:sha-256 4A:9C:02:7E:B1:55:D3:68:0F:21:AE:74:C9:3B:E6:18:", "a=fingerprint:md5 ") }, kind: .noFingerprint),
        Refusal(label: "no rtcp-mux", edit: { $0.replacingOccurrences("a=rtcp-mux\r\n", "") }, kind: .noRTCPMux),
    ]

    @Test(arguments: refusals)
    func offersWeCannotAnswerAreRefused(_ refusal: Refusal) throws {
        let offer = try SessionDescription.parse(refusal.edit(SDPFixture.text("meta-offer.sdp")))
        let error = #expect(throws: SDPError.self) { try SDPBuilder.answer(to: offer, local: SDPFixture.local()) }
        #expect(error?.kind == refusal.kind)
    }

    @Test func sessionLevelCredentialsAndFingerprintAreEnough() throws {
        let offer = try SDPFixture.parsed("handwritten-firefox-shaped-lf.sdp")
        #expect(offer.audioSection?.attributes.contains { $0.name == "fingerprint" } == false)
        #expect(try SDPBuilder.answer(to: offer, local: SDPFixture.local()).contains("a=setup:active\r\n"))
    }

    @Test func ourOfferParsesWithActpass() throws {
        let text = try SDPBuilder.offer(local: SDPFixture.local(), mid: "0")
        let offer = try SessionDescription.parse(text)
        #expect(!offer.iceLite)
        #expect(offer.groupBundle == ["0"])
        let audio = try #require(offer.audioSection)
        #expect(audio.mid == "0")
        #expect(audio.setup == .actpass)
        #expect(audio.payloadTypes == [111, 126])
        #expect(audio.rtpmap(for: 111) == SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2))
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 126)
        #expect(audio.rtcpMux)
        #expect(audio.fingerprints.map(\.algorithm) == ["sha-256"])
        #expect(audio.candidates == [SDPFixture.boxCandidate])
        #expect(audio.iceUfrag == "cbx4")
        #expect(!text.contains("\r\n\r\n") && text.hasSuffix("\r\n"))
    }

    @Test func liteVariantsPlayMetaForTheSandbox() throws {
        let local = try SDPFixture.local()
        let liteOffer = try SessionDescription.parse(SDPBuilder.offer(local: local, mid: "audio", iceLite: true))
        #expect(liteOffer.iceLite)
        #expect(liteOffer.lines.contains { $0.type == "a" && $0.value == "ice-lite" })
        // The box answers the sandbox's lite offer, and the sandbox answers the box's offer.
        let boxAnswer = try SessionDescription.parse(SDPBuilder.answer(to: liteOffer, local: local))
        #expect(!boxAnswer.iceLite)
        #expect(boxAnswer.audioSection?.setup == .active)
        let boxOffer = try SessionDescription.parse(SDPBuilder.offer(local: local))
        let liteAnswer = try SessionDescription.parse(SDPBuilder.answer(to: boxOffer, local: local, setup: .active, iceLite: true))
        #expect(liteAnswer.iceLite)
        #expect(liteAnswer.audioSection?.mid == "0")
        #expect(liteAnswer.audioSection?.setup == .active)
    }

    @Test func offerRefusesAMidThatIsNotAToken() throws {
        let error = #expect(throws: SDPError.self) { try SDPBuilder.offer(local: SDPFixture.local(), mid: "a b") }
        #expect(error?.kind == .badLocalParameters)
    }

    @Test func localParametersAreCheckedWhenMade() {
        let good = SDPFixture.boxCandidate
        var badCandidate = good
        badCandidate.foundation = "not ice"
        let attempts: [(UInt64, String, String, [UInt8], [SDPCandidate], String)] = [
            (1 << 63, "cbx4", "Zr8qN2vX6tL0pW4yK7mB1sDe", SDPFixture.boxFingerprint, [good], "callbox"),
            (1, "cbx", "Zr8qN2vX6tL0pW4yK7mB1sDe", SDPFixture.boxFingerprint, [good], "callbox"),
            (1, "cbx4", "short", SDPFixture.boxFingerprint, [good], "callbox"),
            (1, "cbx4", "Zr8qN2vX6tL0pW4yK7mB1sDe", Array(SDPFixture.boxFingerprint.dropLast()), [good], "callbox"),
            (1, "cbx4", "Zr8qN2vX6tL0pW4yK7mB1sDe", SDPFixture.boxFingerprint, [badCandidate], "callbox"),
            (1, "cbx4", "Zr8qN2vX6tL0pW4yK7mB1sDe", SDPFixture.boxFingerprint, [good], "call box"),
            (1, "cbx4", "Zr8qN2vX6tL0pW4yK7mB1sDe", SDPFixture.boxFingerprint, [good], ""),
        ]
        for (sessionID, ufrag, pwd, fingerprint, candidates, cname) in attempts {
            let error = #expect(throws: SDPError.self) {
                try LocalMediaParameters(sessionID: sessionID, ufrag: ufrag, pwd: pwd, fingerprintSHA256: fingerprint, candidates: candidates, ssrc: 1, cname: cname)
            }
            #expect(error?.kind == .badLocalParameters)
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced; test edits of fixture text only.
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
