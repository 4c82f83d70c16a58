import Testing
@testable import Media

@Suite struct IceAgentTests {
    typealias Net = IceTestNetwork

    static func box(_ addresses: [String] = ["192.0.2.10:5000"], role: IceRole = .controlling, tieBreaker: UInt64 = 2) throws -> IceAgent {
        try IceAgent(role: role, mode: .full, tieBreaker: tieBreaker, localCandidates: IceCandidateGatherer.hostCandidates(addresses: addresses.map(Net.address)))
    }

    static func meta(_ addresses: [String] = ["198.51.100.7:3480"]) throws -> IceAgent {
        try IceAgent(role: .controlled, mode: .lite, tieBreaker: 1, localCandidates: IceCandidateGatherer.hostCandidates(addresses: addresses.map(Net.address)))
    }

    /// The pair as seen from the other side: (local, remote) swapped.
    static func addresses(_ pair: IceCandidatePair?) -> [SocketAddress] {
        [pair?.local.address, pair?.remote.address].compactMap { $0 }
    }

    @Test func fullControllingConnectsToLiteControlled() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.run(until: 2_000)
        #expect(net.agents[0].state == .connected)
        #expect(net.agents[1].state == .connected)
        let boxPair = try #require(net.agents[0].selectedPair)
        #expect(boxPair.nominated)
        #expect(Self.addresses(boxPair) == Self.addresses(net.agents[1].selectedPair).reversed())
        #expect(net.eventList(0).contains(.connected(remote: Net.address("198.51.100.7:3480"))))
        #expect(net.eventList(1).contains(.connected(remote: Net.address("192.0.2.10:5000"))))
        // Every check carries USE-CANDIDATE and the controlling role; the lite side sends none.
        #expect(net.requests(from: 0).allSatisfy { $0.1.hasUseCandidate && $0.1.iceControlling == 2 })
        #expect(net.requests(from: 1).isEmpty)
        // One round trip: the first check is answered and connects within the latency.
        #expect(try #require(net.firstTime(0) { $0.isConnected }) <= 10)
    }

    @Test func fullToFullConnectsOnTheSamePair() throws {
        var net = Net([try Self.box(["192.0.2.10:5000", "[2001:db8::10]:5000"]),
                       try Self.box(["192.0.2.20:6000", "[2001:db8::20]:6000"], role: .controlled, tieBreaker: 1)])
        try net.exchangeOffers()
        net.run(until: 3_000)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        let left = try #require(net.agents[0].selectedPair)
        let right = try #require(net.agents[1].selectedPair)
        #expect(Self.addresses(left) == Self.addresses(right).reversed())
        #expect(left.nominated && right.nominated)
        // Both end on the highest-priority pair, whichever succeeded first.
        #expect(left.priority == net.agents[0].candidatePairs.filter { $0.state == .succeeded }.map(\.priority).max())
        #expect(net.requests(from: 1).allSatisfy { !$0.1.hasUseCandidate && $0.1.iceControlled == 1 })
    }

    /// The box behind NAT sends no candidates (spec §6.2); Meta learns it as peer-reflexive.
    @Test func checkFromUnknownAddressCreatesPeerReflexiveCandidate() throws {
        var net = Net([try Self.box(["10.0.0.5:5000"]), try Self.meta()])
        net.nat = [Net.address("10.0.0.5:5000"): Net.address("203.0.113.9:61000")]
        try net.exchangeOffers(candidatesTo: [0])
        net.run(until: 2_000)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        let learned = try #require(net.agents[1].remoteCandidates.first)
        #expect(learned.type == .prflx)
        #expect(learned.address == Net.address("203.0.113.9:61000"))
        #expect(learned.priority == IceCandidate.priority(type: .prflx, localPreference: 65_535, component: 1))
        #expect(net.agents[1].selectedPair?.remote.address == Net.address("203.0.113.9:61000"))
    }

    /// A full controlled peer learns the prflx candidate from the check and sends a triggered
    /// check back to it.
    @Test func peerReflexiveTriggersCheckOnFullAgent() throws {
        var net = Net([try Self.box(["10.0.0.5:5000"]), try Self.box(["192.0.2.20:6000"], role: .controlled, tieBreaker: 1)])
        net.nat = [Net.address("10.0.0.5:5000"): Net.address("203.0.113.9:61000")]
        try net.exchangeOffers(candidatesTo: [0])
        net.run(until: 2_000)
        #expect(net.agents[1].remoteCandidates.map(\.type) == [.prflx])
        let triggered = net.requests(from: 1)
        #expect(!triggered.isEmpty)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        #expect(net.agents[1].selectedPair?.remote.address == Net.address("203.0.113.9:61000"))
    }

    @Test func wrongPasswordIsRefusedWith401AndNeverConnects() throws {
        var box = try Self.box()
        var meta = try Self.meta()
        try box.addRemoteCredentials(ufrag: meta.localCredentials.ufrag, pwd: "0123456789012345678901", now: 0)
        try box.addRemoteCandidate(meta.localCandidates[0])
        try meta.addRemoteCredentials(ufrag: box.localCredentials.ufrag, pwd: box.localCredentials.pwd, now: 0)
        var net = Net([box, meta])
        net.run(until: 12_000)
        #expect(net.errorCodes(from: 1).allSatisfy { $0 == 401 } && !net.errorCodes(from: 1).isEmpty)
        #expect(net.agents[1].state != .connected)
        #expect(net.agents[0].state == .failed)
        // The check kept retransmitting through the 401s (spec §6.2: Meta may not know our
        // credentials yet) until its transmissions ran out.
        #expect(net.requests(from: 0).count == IceTiming.checkMaxTransmissions)
        #expect(net.agents[0].failureReason == .allPairsFailed(lastErrorCode: 401))
        #expect(net.firstTime(0) { $0 == .failed(.allPairsFailed(lastErrorCode: 401)) } == 9_500)
    }

    /// Meta answers 401 until it has processed our SDP answer (spec §6.2); the check keeps
    /// retransmitting through the 401s and connects once Meta knows us.
    @Test func early401sDoNotFailTheCheck() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        try net.agents[1].addRemoteCredentials(ufrag: "someoneElse", pwd: "0123456789012345678901", now: 0)
        net.run(until: 1_200)
        #expect(net.errorCodes(from: 1) == [401, 401])
        #expect(net.agents[0].state == .checking)
        let box = net.agents[0].localCredentials
        try net.agents[1].addRemoteCredentials(ufrag: box.ufrag, pwd: box.pwd, now: net.now)
        net.run(until: 3_000)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        #expect(net.firstTime(0) { $0.isConnected } == 1_510)
    }

    @Test func lostChecksAreRetransmittedThenSucceed() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.drop = { _, sender, _ in sender == 0 }
        net.run(until: 1_200)
        #expect(net.agents[0].state == .checking)
        net.drop = { _, _, _ in false }
        net.run(until: 4_000)
        let times = net.requests(from: 0).map(\.0)
        #expect(Array(times.prefix(3)) == [0, 500, 1_500])
        #expect(net.requests(from: 0).prefix(3).map(\.1.transactionID).allSatisfy { $0 == net.requests(from: 0)[0].1.transactionID })
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        #expect(net.firstTime(0) { $0.isConnected } == 1_510)
    }

    @Test func noAnswerFailsAfterTheTimeout() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.drop = { _, _, _ in true }
        net.run(until: 20_000)
        #expect(net.requests(from: 0).map(\.0) == [0, 500, 1_500, 3_100, 4_700, 6_300, 7_900])
        #expect(net.agents[0].state == .failed)
        #expect(net.eventList(0) == [.failed(.allPairsFailed(lastErrorCode: nil))])
        #expect(net.firstTime(0) { _ in true } == 9_500)
        #expect(net.agents[0].nextDeadline == nil)
    }

    @Test func noCandidatesAtAllFailsAtTheConnectivityTimeout() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers(candidatesTo: [])
        net.run(until: 20_000)
        #expect(net.eventList(0) == [.failed(.connectivityTimeout(lastErrorCode: nil))])
        #expect(net.firstTime(0) { _ in true } == IceTiming.connectivityTimeoutMs)
    }

    @Test func consentChecksEveryFourToSixSecondsThenConsentLost() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.run(until: 60_000)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        let times = net.requests(from: 0).map(\.0)
        #expect(times.count >= 10)
        for (earlier, later) in zip(times.dropFirst(), times.dropFirst(2)) {
            #expect((IceTiming.consentIntervalMinMs...IceTiming.consentIntervalMaxMs).contains(later - earlier))
        }
        // Silence from Meta: disconnected after 10 s, consent lost 30 s after the last answer.
        net.drop = { _, sender, _ in sender == 1 }
        let cut = net.now
        net.run(until: cut + 40_000)
        let lastAnswer = try #require(net.sent.last { $0.1 == 1 && $0.0 < cut }?.0) + net.latencyMs
        #expect(net.firstTime(0) { $0 == .disconnected } == lastAnswer + IceTiming.disconnectedAfterMs)
        #expect(net.firstTime(0) { $0 == .consentLost } == lastAnswer + IceTiming.consentLostAfterMs)
        #expect(net.eventList(0).suffix(3) == [.disconnected, .consentLost, .failed(.consentLost)])
        #expect(net.agents[0].state == .failed)
    }

    @Test func disconnectedRecoversWhenAnswersReturn() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.run(until: 1_000)
        net.drop = { _, sender, _ in sender == 1 }
        net.run(until: 20_000)
        #expect(net.agents[0].state == .disconnected)
        net.drop = { _, _, _ in false }
        net.run(until: 30_000)
        #expect(net.agents[0].state == .connected)
        #expect(net.eventList(0).filter(\.isConnected).count == 2)
    }

    @Test func liteSideLosesConsentWhenChecksStop() throws {
        var net = Net([try Self.box(), try Self.meta()])
        try net.exchangeOffers()
        net.run(until: 1_000)
        net.agents[0].close()
        #expect(net.agents[0].state == .closed)
        net.run(until: 40_000)
        #expect(net.agents[1].state == .failed)
        #expect(net.eventList(1).suffix(2) == [.consentLost, .failed(.consentLost)])
        #expect(net.agents[0].poll(now: 40_000) == IceOutput())
    }

    /// Both agents claim controlling: the one with the smaller tie-breaker yields (RFC 8445 §7.3.1.1).
    @Test func roleConflictBothControlling() throws {
        var net = Net([try Self.box(["192.0.2.10:5000"], tieBreaker: 100),
                       try Self.box(["192.0.2.20:6000"], tieBreaker: 200)])
        try net.exchangeOffers()
        net.run(until: 3_000)
        #expect(net.agents[0].role == .controlled)
        #expect(net.agents[1].role == .controlling)
        #expect(net.eventList(0).contains(.roleChanged(.controlled)))
        #expect(net.errorCodes(from: 1).contains(487))
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        #expect(Self.addresses(net.agents[0].selectedPair) == Self.addresses(net.agents[1].selectedPair).reversed())
    }

    @Test func roleConflictBothControlled() throws {
        var net = Net([try Self.box(["192.0.2.10:5000"], role: .controlled, tieBreaker: 100),
                       try Self.box(["192.0.2.20:6000"], role: .controlled, tieBreaker: 200)])
        try net.exchangeOffers()
        net.run(until: 3_000)
        #expect(net.agents[1].role == .controlling)
        #expect(net.agents[0].role == .controlled)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
    }

    /// A full agent wrongly starting controlled against a lite peer is told 487 and switches
    /// (the FreeSWITCH symptom of spec §6.2).
    @Test func controlledFullAgentFacingLiteSwitchesToControlling() throws {
        var net = Net([try Self.box(role: .controlled), try Self.meta()])
        try net.exchangeOffers()
        net.run(until: 3_000)
        #expect(net.errorCodes(from: 1).contains(487))
        #expect(net.agents[0].role == .controlling)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
    }

    @Test func remoteCandidateBounds() throws {
        var agent = try Self.box()
        for index in 0..<IceLimits.maxRemoteCandidates {
            try agent.addRemoteCandidate(Net.host("198.51.100.\(index + 1):3480"))
        }
        #expect(throws: IceError.tooManyRemoteCandidates(limit: 16)) { try agent.addRemoteCandidate(Net.host("198.51.100.99:3480")) }
        #expect(agent.remoteCandidates.count == 16)
        #expect(agent.candidatePairs.count == 16)
        // A repeated address is not a new candidate.
        try agent.addRemoteCandidate(Net.host("198.51.100.1:3480"))
        #expect(agent.remoteCandidates.count == 16)
    }

    @Test func pairBoundsAreCheckedBeforeStoring() throws {
        var agent = try Self.box((1...3).map { "192.0.2.\($0):5000" })
        for index in 0..<10 { try agent.addRemoteCandidate(Net.host("198.51.100.\(index + 1):3480")) }
        #expect(agent.candidatePairs.count == 30)
        #expect(throws: IceError.tooManyPairs(limit: 32)) { try agent.addRemoteCandidate(Net.host("198.51.100.50:3480")) }
        #expect(agent.remoteCandidates.count == 10)
        #expect(throws: IceError.unsupportedComponent(2)) {
            try agent.addRemoteCandidate(IceCandidate(foundation: "1", component: 2, priority: 1, address: Net.address("198.51.100.60:1"), type: .host))
        }
        #expect(throws: IceError.tooManyLocalCandidates(limit: 8)) {
            try IceAgent(role: .controlling, localCandidates: (1...9).map { Net.host("192.0.2.\($0):5000") })
        }
    }

    /// Peer-reflexive candidates beyond the bound are reported, and their checks still answered.
    @Test func peerReflexiveBeyondTheBoundIsIgnoredWithAReason() throws {
        var meta = try Self.meta()
        let box = try Self.box()
        for index in 0..<IceLimits.maxRemoteCandidates { try meta.addRemoteCandidate(Net.host("203.0.113.\(index + 1):9")) }
        let request = StunMessage(messageClass: .request, attributes: [.username("\(meta.localCredentials.ufrag):\(box.localCredentials.ufrag)"), .priority(1), .iceControlling(tieBreaker: 5), .useCandidate])
            .serialize(integrityKey: Array(meta.localCredentials.pwd.utf8), fingerprint: true)
        let stranger = Net.address("192.0.2.77:4000")
        let output = meta.receive(request, from: stranger, now: 0)
        #expect(output.events == [.remoteCandidateIgnored(stranger, .tooManyRemoteCandidates(limit: 16))])
        #expect(try StunMessage.parse(output.transmits[0].bytes).messageClass == .successResponse)
        #expect(meta.state == .new)
    }

    @Test func ipv6LoopbackPairConnects() throws {
        var net = Net([try Self.box(["[::1]:5000"]), try Self.meta(["[::1]:6000"])])
        try net.exchangeOffers()
        net.run(until: 2_000)
        #expect(net.agents[0].state == .connected && net.agents[1].state == .connected)
        #expect(net.agents[0].selectedPair?.remote.address == Net.address("[::1]:6000"))
        #expect(net.agents[1].selectedPair?.remote.address == Net.address("[::1]:5000"))
    }

    /// Answers to bad requests (RFC 8489 §9.1.3, §6.3.1.1), all without a connection.
    @Test func badRequestsGetPreciseErrors() throws {
        var meta = try Self.meta()
        let key = Array(meta.localCredentials.pwd.utf8)
        let from = Net.address("192.0.2.10:5000")
        let username = StunAttribute.username("\(meta.localCredentials.ufrag):abcd")
        func answer(_ attributes: [StunAttribute], key: [UInt8]?) throws -> (Int?, Bool) {
            let bytes = StunMessage(messageClass: .request, attributes: attributes).serialize(integrityKey: key, fingerprint: true)
            let output = meta.receive(bytes, from: from, now: 0)
            let response = try StunMessage.parse(try #require(output.transmits.first).bytes)
            return (response.errorCode?.code, response.hasIntegrity)
        }
        #expect(try answer([.priority(1)], key: key) == (400, false))
        #expect(try answer([username], key: nil) == (400, false))
        #expect(try answer([.username("nope:abcd")], key: key) == (401, false))
        #expect(try answer([username], key: Array("wrong password, 22 ch".utf8)) == (401, false))
        #expect(try answer([username, .other(type: 0x0031, value: [])], key: key) == (420, true))
        #expect(try answer([username, .iceControlled(tieBreaker: 9)], key: key) == (487, true))
        #expect(try answer([username, .iceControlling(tieBreaker: 9)], key: key) == (nil, true))
        #expect(meta.state == .new)
        // A broken FINGERPRINT or a non-STUN datagram gets no answer at all.
        var damaged = StunMessage(messageClass: .request, attributes: [username]).serialize(integrityKey: key, fingerprint: true)
        damaged[damaged.count - 1] ^= 1
        #expect(meta.receive(damaged, from: from, now: 0) == IceOutput())
        #expect(meta.receive([0x80, 0x00, 1, 2], from: from, now: 0) == IceOutput())
    }

    @Test func responsesAnswerWithTheSourceAsXorMappedAddress() throws {
        var meta = try Self.meta()
        let from = Net.address("203.0.113.9:61000")
        let request = StunMessage(messageClass: .request, attributes: [.username("\(meta.localCredentials.ufrag):abcd"), .iceControlling(tieBreaker: 3)])
        let output = meta.receive(request.serialize(integrityKey: Array(meta.localCredentials.pwd.utf8), fingerprint: true), from: from, now: 0)
        let transmit = try #require(output.transmits.first)
        #expect(transmit.destination == from && transmit.source == Net.address("198.51.100.7:3480"))
        let response = try StunMessage.parse(transmit.bytes)
        #expect(response.transactionID == request.transactionID)
        #expect(response.xorMappedAddress == from)
        #expect(response.verifyIntegrity(key: Array(meta.localCredentials.pwd.utf8)))
        #expect(response.verifyFingerprint())
    }
}
