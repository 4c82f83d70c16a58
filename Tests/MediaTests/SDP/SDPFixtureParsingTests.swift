import Testing
import Media

/// Every fixture, from Meta-shaped samples to what aiortc and Chromium really wrote, read field by field.
@Suite struct SDPFixtureParsingTests {
    @Test(arguments: SDPFixture.names)
    func everyFixtureParses(name: String) throws {
        let description = try SDPFixture.parsed(name)
        #expect(description.audioSection != nil)
    }

    @Test func metaOffer() throws {
        let offer = try SDPFixture.parsed("meta-offer.sdp")
        #expect(offer.origin.sessionID == "4611731400430051336")
        #expect(offer.origin.sessionVersion == "2")
        #expect(offer.origin.address == "127.0.0.1")
        #expect(offer.sessionName == "-")
        #expect(offer.iceLite)
        #expect(offer.groupBundle == ["audio"])
        #expect(offer.attributes.map(\.name) == ["group", "msid-semantic", "ice-lite"])
        #expect(offer.mediaSections.count == 1)
        let audio = try #require(offer.audioSection)
        #expect(audio.kind == "audio")
        #expect(audio.port == 40_012)
        #expect(audio.transportProtocol == "UDP/TLS/RTP/SAVPF")
        #expect(audio.formats == ["111", "126"])
        #expect(audio.payloadTypes == [111, 126])
        #expect(audio.connection == SDPConnection(networkType: "IN", addressType: "IP4", address: "31.13.77.52"))
        #expect(audio.mid == "audio")
        #expect(audio.iceUfrag == "Qx7Lm2Pa")
        #expect(audio.icePwd == "u8Rt3XvKp0Wz6Nq1Ys4Bd9Fh")
        #expect(audio.setup == .actpass)
        #expect(audio.rtcpMux)
        #expect(audio.direction == .sendrecv)
        #expect(audio.fingerprints.count == 1)
        let fingerprint = try #require(audio.preferredFingerprint)
        #expect(fingerprint.algorithm == "sha-256")
        #expect(fingerprint.bytes.count == 32)
        #expect(fingerprint.bytes.first == 0x4A && fingerprint.bytes.last == 0xBD)
        #expect(fingerprint.hex == "4A:9C:02:7E:B1:55:D3:68:0F:21:AE:74:C9:3B:E6:18:5D:90:42:F7:0B:6C:AD:31:8E:57:F4:29:C0:1A:63:BD")
        #expect(audio.opusPayloadType == 111)
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 126)
        #expect(audio.rtpmap(for: 111) == SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2))
        #expect(audio.rtpmap(for: 126) == SDPRTPMap(payloadType: 126, encodingName: "telephone-event", clockRate: 8_000, channels: nil))
        #expect(audio.formatParameters(for: 111) == "maxaveragebitrate=20000;maxplaybackrate=16000;minptime=20;sprop-maxcapturerate=16000;useinbandfec=1")
        #expect(audio.formatParameters(for: 126) == nil)
        #expect(audio.candidates.count == 2)
        let ipv4 = audio.candidates[0]
        #expect(ipv4.foundation == "2781045839")
        #expect(ipv4.component == 1)
        #expect(ipv4.transport == .udp)
        #expect(ipv4.priority == 2_113_937_151)
        #expect(ipv4.address == "31.13.77.52")
        #expect(ipv4.addressKind == .ipv4)
        #expect(ipv4.port == 40_012)
        #expect(ipv4.type == .host)
        #expect(ipv4.relatedAddress == nil && ipv4.relatedPort == nil && ipv4.tcpType == nil)
        #expect(ipv4.extensions == [.init(name: "generation", value: "0"), .init(name: "network-cost", value: "50"), .init(name: "ufrag", value: "Qx7Lm2Pa")])
        let ipv6 = audio.candidates[1]
        #expect(ipv6.address == "2a03:2880:f24d:1c6:face:b00c:0:699c")
        #expect(ipv6.addressKind == .ipv6)
        #expect(ipv6.priority == 2_113_939_711)
        #expect(!audio.endOfCandidates)
        #expect(audio.extmaps.map(\.id) == [1, 2, 3])
        #expect(audio.extmaps[2].uri == "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
        #expect(audio.ssrcAttributes.count == 4)
        #expect(audio.ssrcAttributes[0] == SDPSourceAttribute(ssrc: 1_387_446_352, attribute: "cname", value: "WhatsAppAudioStream"))
        #expect(audio.ssrcAttributes[1].value == "7f3c2a9e-5b1d-4c8e-9a60-2d4b8e1f0c37 audio0")
        #expect(audio.attributes.first == SDPAttribute(name: "rtcp", value: "9 IN IP4 0.0.0.0", line: 10))
        #expect(audio.lines.first?.type == "m" && audio.lines.first?.line == 8)
    }

    @Test func metaAnswer() throws {
        let answer = try SDPFixture.parsed("meta-answer.sdp")
        let audio = try #require(answer.audioSection)
        #expect(answer.iceLite)
        #expect(answer.groupBundle == ["0"])
        #expect(audio.mid == "0")
        #expect(audio.setup == .active)
        #expect(audio.port == 3_482)
        #expect(audio.payloadTypes == [111, 9, 0, 8, 110, 126])
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 126)
        #expect(audio.telephoneEventPayloadType(clockRate: 48_000) == 110)
        #expect(audio.formatParameters(for: 111) == "minptime=10;useinbandfec=1")
        #expect(audio.candidates.map(\.addressKind) == [.ipv4, .ipv6])
    }

    @Test func boxFixtures() throws {
        let offer = try #require(try SDPFixture.parsed("box-offer.sdp").audioSection)
        let answer = try #require(try SDPFixture.parsed("box-answer.sdp").audioSection)
        #expect(offer.setup == .actpass)
        #expect(answer.setup == .active)
        #expect(answer.candidates == [SDPFixture.boxCandidate])
        #expect(answer.preferredFingerprint?.bytes == SDPFixture.boxFingerprint)
        #expect(answer.ssrcAttributes == [SDPSourceAttribute(ssrc: 3_735_928_559, attribute: "cname", value: "callbox")])
    }

    @Test func aiortcOfferCarriesThreeFingerprintsAndPrefersSHA256() throws {
        let offer = try SDPFixture.parsed("aiortc-offer.sdp")
        let audio = try #require(offer.audioSection)
        #expect(!offer.iceLite)
        #expect(offer.groupBundle == ["0"])
        #expect(audio.mid == "0")
        #expect(audio.fingerprints.map(\.algorithm) == ["sha-256", "sha-384", "sha-512"])
        #expect(audio.fingerprints.map(\.bytes.count) == [32, 48, 64])
        #expect(audio.preferredFingerprint?.algorithm == "sha-256")
        #expect(audio.preferredFingerprint?.bytes.first == 0xE3)
        #expect(audio.setup == .actpass)
        #expect(audio.payloadTypes == [96, 9, 0, 8])
        #expect(audio.opusPayloadType == 96)
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == nil)
        #expect(audio.iceUfrag == "2Q9T")
        #expect(audio.icePwd == "bxJnXaS3fDjJyTh8GG2bkm")
        #expect(audio.candidates.count == 1)
        #expect(audio.candidates[0].foundation == "16572de626da4e5384a0ce2d0d93678a")
        #expect(audio.candidates[0].address == "127.0.0.1")
        #expect(audio.candidates[0].port == audio.port)
        #expect(audio.candidates[0].extensions.isEmpty)
        #expect(audio.endOfCandidates)
        #expect(audio.extmaps.map(\.uri) == ["urn:ietf:params:rtp-hdrext:sdes:mid", "urn:ietf:params:rtp-hdrext:ssrc-audio-level"])
        #expect(audio.rtcpMux)
        #expect(audio.direction == .sendrecv)
        #expect(audio.ssrcAttributes.first?.attribute == "cname")
    }

    @Test func aiortcAnswerToMeta() throws {
        let answer = try SDPFixture.parsed("aiortc-answer.sdp")
        let audio = try #require(answer.audioSection)
        #expect(answer.groupBundle == ["audio"])
        #expect(audio.mid == "audio")
        #expect(audio.setup == .active)
        #expect(audio.payloadTypes == [111])
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == nil)
        #expect(audio.fingerprints.count == 3)
        #expect(audio.preferredFingerprint?.algorithm == "sha-256")
    }

    @Test func chromiumOffer() throws {
        let offer = try SDPFixture.parsed("chromium-offer.sdp")
        let audio = try #require(offer.audioSection)
        #expect(offer.groupBundle == ["0"])
        #expect(offer.attributes.map(\.name) == ["group", "extmap-allow-mixed", "msid-semantic"])
        #expect(audio.mid == "0")
        #expect(audio.setup == .actpass)
        #expect(audio.payloadTypes == [111, 63, 9, 0, 8, 13, 110, 126])
        #expect(audio.opusPayloadType == 111)
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 126)
        #expect(audio.telephoneEventPayloadType(clockRate: 48_000) == 110)
        #expect(audio.rtpmap(for: 63) == SDPRTPMap(payloadType: 63, encodingName: "red", clockRate: 48_000, channels: 2))
        #expect(audio.formatParameters(for: 63) == "111/111")
        #expect(audio.formatParameters(for: 111) == "minptime=10;useinbandfec=1")
        #expect(audio.extmaps.map(\.id) == [1, 2, 3, 4])
        #expect(audio.fingerprints.map(\.algorithm) == ["sha-256"])
        #expect(audio.candidates.map(\.transport) == [.udp, .udp, .tcp, .tcp])
        #expect(audio.candidates.map(\.addressKind) == [.ipv4, .ipv6, .ipv4, .ipv6])
        #expect(audio.candidates[2].tcpType == .active)
        #expect(audio.candidates[2].port == 9)
        #expect(audio.candidates[0].extensions == [.init(name: "generation", value: "0"), .init(name: "network-id", value: "1")])
        #expect(audio.attributes.contains { $0.name == "ice-options" && $0.value == "trickle" })
        #expect(audio.ssrcAttributes.map(\.attribute) == ["cname", "msid"])
    }

    @Test func chromiumAnswerToMeta() throws {
        let answer = try SDPFixture.parsed("chromium-answer.sdp")
        let audio = try #require(answer.audioSection)
        #expect(!answer.iceLite)
        #expect(answer.groupBundle == ["audio"])
        #expect(audio.mid == "audio")
        #expect(audio.setup == .active)
        #expect(audio.payloadTypes == [111, 126])
        #expect(audio.fingerprints.count == 1)
        #expect(audio.extmaps.map(\.id) == [1, 2, 3])
    }

    @Test func firefoxShapedSessionLevelValuesMDNSAndBareLF() throws {
        let offer = try SDPFixture.parsed("handwritten-firefox-shaped-lf.sdp")
        #expect(offer.origin.username == "mozilla...THIS_IS_SDPARTA-128.0")
        #expect(offer.groupBundle == ["0", "1"])
        #expect(offer.fingerprints.count == 1)
        #expect(offer.mediaSections.map(\.kind) == ["audio", "video"])
        let audio = try #require(offer.audioSection)
        // Session-level fingerprint, media-level credentials.
        #expect(audio.preferredFingerprint?.bytes.first == 0x0A)
        #expect(audio.iceUfrag == "9b3e1c7a")
        #expect(audio.opusPayloadType == 109)
        #expect(audio.telephoneEventPayloadType(clockRate: 8_000) == 101)
        #expect(audio.rtpmap(for: 9)?.channels == 1)
        #expect(audio.candidates.map(\.addressKind) == [.mdns, .ipv4, .mdns])
        #expect(audio.candidates.map(\.transport) == [.udp, .udp, .tcp])
        #expect(audio.candidates[0].address == "3f6f1b8e-2a4c-4d1e-9b7a-5c0d1e2f3a4b.local")
        #expect(audio.candidates[1].type == .srflx)
        #expect(audio.candidates[1].relatedAddress == "0.0.0.0")
        #expect(audio.candidates[1].relatedPort == 0)
        #expect(audio.endOfCandidates)
        #expect(audio.extmaps[1].direction == .recvonly)
        #expect(audio.ssrcAttributes.first?.value == "{8c9d0e1f-2a3b-4c5d-6e7f-8091a2b3c4d5}")
        let video = offer.mediaSections[1]
        #expect(video.port == 0)
        #expect(video.direction == .inactive)
        #expect(video.fingerprints == offer.fingerprints)
        #expect(video.connection?.address == "0.0.0.0")
    }

    @Test func crlfAndBareLFGiveTheSameDescription() throws {
        let crlf = SDPFixture.text("meta-offer.sdp")
        let lf = String(decoding: Array(crlf.utf8).filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        #expect(try SessionDescription.parse(crlf) == SessionDescription.parse(lf))
    }

    @Test func candidateWrittenBackParsesToTheSameValue() throws {
        for name in SDPFixture.names {
            for section in try SDPFixture.parsed(name).mediaSections {
                for candidate in section.candidates {
                    #expect(try SDPCandidate.parse(Substring(candidate.attributeValue), line: 1) == candidate)
                }
            }
        }
    }

    @Test func preferredFingerprintWithoutSHA256IsTheStrongestSupported() {
        let fingerprints = [
            SDPFingerprint(algorithm: "md5", bytes: Array(repeating: 1, count: 16)),
            SDPFingerprint(algorithm: "sha-384", bytes: Array(repeating: 2, count: 48)),
            SDPFingerprint(algorithm: "sha-1", bytes: Array(repeating: 3, count: 20)),
        ]
        #expect(SDPFingerprint.preferred(among: fingerprints)?.algorithm == "sha-384")
        #expect(SDPFingerprint.preferred(among: [fingerprints[0]]) == nil)
    }
}
