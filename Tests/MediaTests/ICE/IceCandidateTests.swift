import Testing
@testable import Media

@Suite struct IceCandidateTests {
    @Test func priorityFollowsRfc8445() {
        #expect(IceCandidate.priority(type: .host, localPreference: 65_535, component: 1) == 2_130_706_431)
        #expect(IceCandidate.priority(type: .srflx, localPreference: 65_535, component: 1) == 1_694_498_815)
        #expect(IceCandidate.priority(type: .prflx, localPreference: 65_535, component: 1) == 1_862_270_975)
        #expect(IceCandidate.priority(type: .relay, localPreference: 0, component: 1) == 255)
        #expect(IceCandidateType.host.typePreference == 126)
    }

    @Test func pairPriorityFollowsRfc8445() {
        #expect(IceCandidatePair.priority(controlling: 10, controlled: 20) == (10 << 32) + 40)
        #expect(IceCandidatePair.priority(controlling: 20, controlled: 10) == (10 << 32) + 40 + 1)
    }

    /// Meta's candidate lines (spec §6.1) with their extension attributes.
    @Test func parsesMetaCandidates() throws {
        let v4 = try IceCandidate(sdpValue: "candidate:1716464345 1 udp 2113937151 31.13.64.5 40012 typ host generation 0 network-cost 50 ufrag Ab12")
        #expect(v4.address == SocketAddress(text: "31.13.64.5:40012"))
        #expect(v4.priority == 2_113_937_151 && v4.type == .host && v4.foundation == "1716464345")
        let v6 = try IceCandidate(sdpValue: "a=candidate:2 1 UDP 2113939711 2a03:2880:f20c:c1:face:b00c:0:167 3480 typ host generation 0")
        #expect(v6.address == SocketAddress(text: "[2a03:2880:f20c:c1:face:b00c:0:167]:3480"))
        let srflx = try IceCandidate(sdpValue: "3 1 udp 1694498815 203.0.113.9 61000 typ srflx raddr 10.0.0.5 rport 5000")
        #expect(srflx.relatedAddress == SocketAddress(text: "10.0.0.5:5000"))
        #expect(try IceCandidate(sdpValue: srflx.sdpValue) == srflx)
    }

    @Test(arguments: [
        ("1 1 tcp 1 1.2.3.4 9 typ host tcptype passive", IceError.unsupportedTransport("tcp")),
        ("1 2 udp 1 1.2.3.4 9 typ host", .unsupportedComponent(2)),
        ("1 1 udp 1 abcd.local 9 typ host", .invalidCandidate("address abcd.local is not an IP literal")),
        ("1 1 udp 1 1.2.3.4 70000 typ host", .invalidCandidate("port 70000")),
        ("1 1 udp x 1.2.3.4 9 typ host", .invalidCandidate("priority x")),
        ("1 1 udp 1 1.2.3.4 9 typ bogus", .invalidCandidate("type bogus")),
        ("1 1 udp 1 1.2.3.4 9 host", .invalidCandidate("expected `foundation component transport priority address port typ type`")),
        ("f! 1 udp 1 1.2.3.4 9 typ host", .invalidCandidate("foundation f!")),
    ])
    func refusesBadCandidates(_ line: String, _ expected: IceError) {
        #expect(throws: expected) { try IceCandidate(sdpValue: line) }
    }

    @Test func randomCredentialsMeetRfc8445() throws {
        let credentials = IceCredentials.random()
        #expect(credentials.ufrag.utf8.count >= IceCredentials.minUfragLength)
        #expect(credentials.pwd.utf8.count >= IceCredentials.minPwdLength)
        #expect(try IceCredentials(ufrag: credentials.ufrag, pwd: credentials.pwd) == credentials)
        #expect(IceCredentials.random() != credentials)
        let iceChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        #expect((credentials.ufrag + credentials.pwd).utf8.allSatisfy(iceChars.contains))
    }

    /// A peer's credentials are taken as its SDP gives them: Meta's pwd is padded base64
    /// (spec §11.7); only space, control and non-ASCII bytes and empty or over-long values are refused.
    @Test func remoteCredentialsAcceptWhatMetaSends() throws {
        let meta = try IceCredentials(ufrag: "MkBWnyZXw+wMTKqA", pwd: "+219v9nKr3xSQIn8s+Fy8g==")
        #expect(meta.pwd == "+219v9nKr3xSQIn8s+Fy8g==")
        #expect(try IceCredentials(ufrag: "abc", pwd: "short").ufrag == "abc")
        #expect(throws: IceError.self) { try IceCredentials(ufrag: "", pwd: "F6/jjqL0/8/Dzluc0IoZEQ==") }
        #expect(throws: IceError.self) { try IceCredentials(ufrag: "ab d", pwd: "F6/jjqL0/8/Dzluc0IoZEQ==") }
        #expect(throws: IceError.self) { try IceCredentials(ufrag: "abcd", pwd: String(repeating: "p", count: 257)) }
        #expect(throws: IceError.self) { try IceCredentials(ufrag: "abcé", pwd: "F6/jjqL0/8/Dzluc0IoZEQ==") }
    }

    @Test func gathererListsLoopbackOnlyWhenAsked() throws {
        let loopback = try #require(SocketAddress(text: "127.0.0.1:0"))
        #expect(IceCandidateGatherer.interfaceAddresses(includeLoopback: true).contains(loopback))
        #expect(!IceCandidateGatherer.interfaceAddresses().contains { $0.isLoopback || $0.isLinkLocal })
        let candidates = IceCandidateGatherer.hostCandidates(ipv4Port: 5000, ipv6Port: nil, includeLoopback: true)
        #expect(candidates.contains { $0.address == SocketAddress(text: "127.0.0.1:5000") && $0.type == .host })
        #expect(candidates.allSatisfy { $0.address.isIPv4 })
        #expect(Set(candidates.map(\.priority)).count == candidates.count)
    }

    @Test func serverReflexiveCandidateKeepsItsBase() throws {
        let base = IceCandidate(type: .host, address: try #require(SocketAddress(text: "10.0.0.5:5000")))
        let srflx = IceCandidateGatherer.serverReflexiveCandidate(mapped: try #require(SocketAddress(text: "203.0.113.9:61000")), base: base)
        #expect(srflx.type == .srflx && srflx.relatedAddress == base.address)
        #expect(srflx.priority == IceCandidate.priority(type: .srflx, localPreference: 65_535, component: 1))
        #expect(srflx.sdpValue.hasSuffix("typ srflx raddr 10.0.0.5 rport 5000"))
    }
}
