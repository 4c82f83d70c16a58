import Runtime
import Testing
@testable import Media

@Suite struct DtlsTransportTests {
    @Test func handshakeConnectsBothSidesWithMirroredKeys() throws {
        let pair = try DtlsTestPair()
        pair.start()
        let client = try #require(pair.clientKeys)
        let server = try #require(pair.serverKeys)
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
        #expect(client.profile == .aeadAes128Gcm) // the server's first preference
        #expect(server.profile == client.profile)
        #expect(client.localKey == server.remoteKey)
        #expect(client.localSalt == server.remoteSalt)
        #expect(client.remoteKey == server.localKey)
        #expect(client.remoteSalt == server.localSalt)
        #expect(client.localKey != client.remoteKey)
        #expect(client.localKey.count == 16 && client.localSalt.count == 12)
        #expect(pair.client.nextTimeout(now: 0) == nil)
    }

    @Test(arguments: SrtpProfile.allCases)
    func eachProfileCanBeForced(profile: SrtpProfile) throws {
        for (clientProfiles, serverProfiles) in [([profile], SrtpProfile.allCases), (SrtpProfile.allCases, [profile])] {
            let pair = try DtlsTestPair(clientProfiles: clientProfiles, serverProfiles: serverProfiles)
            pair.start()
            let client = try #require(pair.clientKeys)
            let server = try #require(pair.serverKeys)
            #expect(client.profile == profile)
            #expect(server.profile == profile)
            #expect(client.localSalt.count == profile.saltLength)
            #expect(client.localKey == server.remoteKey && client.localSalt == server.remoteSalt)
        }
    }

    @Test func noCommonProfileFails() throws {
        let pair = try DtlsTestPair(clientProfiles: [.aes128CmHmacSha1_80], serverProfiles: [.aeadAes128Gcm])
        pair.start()
        #expect(pair.clientKeys == nil)
        #expect(pair.serverKeys == nil)
        #expect(pair.clientEvents.contains(.failed(.noSrtpProfile)))
    }

    @Test func flightsFitOneDatagram() throws {
        let pair = try DtlsTestPair()
        var sizes: [Int] = []
        let hello = pair.client.start(now: 0)
        sizes += hello.datagrams.map(\.count)
        let serverFlight = pair.server.receive(hello.datagrams[0], now: 0)
        sizes += serverFlight.datagrams.map(\.count)
        #expect(hello.datagrams.count == 1)
        #expect(serverFlight.datagrams.count == 1)
        #expect(sizes.allSatisfy { $0 <= DtlsTransport.mtu })
    }

    @Test func clientRejectsAServerWithTheWrongFingerprint() throws {
        let wrong = DtlsFingerprint(algorithm: .sha256, bytes: [UInt8](repeating: 0xAA, count: 32))
        let pair = try DtlsTestPair(clientExpects: wrong)
        pair.start()
        #expect(pair.clientEvents == [.failed(.fingerprintMismatch)])
        #expect(pair.client.state == .failed)
        // The client's bad_certificate alert ends the server's handshake at once.
        #expect(pair.server.state == .failed)
        #expect(pair.serverKeys == nil)
        guard case let .failed(.protocolFailure(reason)) = pair.serverEvents.first else {
            Issue.record("server events \(pair.serverEvents)")
            return
        }
        #expect(reason.contains("bad certificate"))
    }

    @Test func serverRejectsAClientWithTheWrongFingerprint() throws {
        let wrong = DtlsFingerprint(algorithm: .sha256, bytes: [UInt8](repeating: 0x55, count: 32))
        let pair = try DtlsTestPair(serverExpects: wrong)
        pair.start()
        #expect(pair.serverEvents == [.failed(.fingerprintMismatch)])
        #expect(pair.client.state == .failed)
        #expect(pair.clientKeys == nil)
    }

    @Test func sha512FingerprintIsAccepted() throws {
        let identities = DtlsTestPair.identities
        let pair = try DtlsTestPair(
            clientExpects: identities.server.fingerprint(algorithm: .sha512),
            serverExpects: identities.client.fingerprint(algorithm: .sha384))
        pair.start()
        #expect(pair.clientKeys != nil && pair.serverKeys != nil)
    }

    @Test func lostClientHelloIsRetransmittedAfterTheTimer() throws {
        let pair = try DtlsTestPair()
        pair.drop = { from, index in from == .client && index == 0 }
        let started = MonotonicClock.milliseconds()
        pair.start(now: started)
        #expect(pair.client.state == .handshaking)
        let due = try #require(pair.client.nextTimeout(now: started))
        // RFC 6347 §4.2.4.1: the first retransmission comes after about one second.
        #expect(due - started >= 900 && due - started <= 1_100)
        pair.fireTimers(now: started) // not due yet: nothing resent
        #expect(pair.client.state == .handshaking)
        dtlsSleep(milliseconds: Int(due - MonotonicClock.milliseconds()) + 20)
        pair.fireTimers()
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
    }

    @Test func lostFinalFlightIsRecoveredByTheConnectedServer() throws {
        let pair = try DtlsTestPair()
        // Server datagrams: 0 = ServerHello…Done, 1 = ChangeCipherSpec + Finished.
        pair.drop = { from, index in from == .server && index == 1 }
        pair.start()
        #expect(pair.server.state == .connected)
        #expect(pair.client.state == .handshaking)
        let now = MonotonicClock.milliseconds()
        let due = try #require(pair.client.nextTimeout(now: now))
        dtlsSleep(milliseconds: Int(due - now) + 20)
        pair.fireTimers()
        #expect(pair.client.state == .connected)
        #expect(pair.clientKeys?.localKey == pair.serverKeys?.remoteKey)
        #expect(pair.serverEvents.count == 1)
    }

    @Test func handshakeFailsAfterTheDeadline() throws {
        let pair = try DtlsTestPair()
        let output = pair.client.start(now: 0)
        #expect(output.datagrams.count == 1)
        let due = try #require(pair.client.nextTimeout(now: 0))
        #expect(due <= DtlsTransport.handshakeTimeoutMilliseconds)
        #expect(pair.client.handleTimeout(now: DtlsTransport.handshakeTimeoutMilliseconds - 1).events.isEmpty)
        let late = pair.client.handleTimeout(now: DtlsTransport.handshakeTimeoutMilliseconds)
        #expect(late.events == [.failed(.handshakeTimeout)])
        #expect(pair.client.nextTimeout(now: 0) == nil)
        // A server that hears nothing fails the same way.
        _ = pair.server.start(now: 0)
        #expect(pair.server.nextTimeout(now: 0) == DtlsTransport.handshakeTimeoutMilliseconds)
        #expect(pair.server.handleTimeout(now: DtlsTransport.handshakeTimeoutMilliseconds).events == [.failed(.handshakeTimeout)])
    }

    @Test func serverStartsOnAnEarlyClientHello() throws {
        let pair = try DtlsTestPair()
        let now = MonotonicClock.milliseconds()
        pair.deliver(pair.client.start(now: now), from: .client)
        pair.run(now: now)
        #expect(pair.client.state == .connected && pair.server.state == .connected)
    }

    @Test func nonDtlsDatagramsAreIgnored() throws {
        let pair = try DtlsTestPair()
        let now = MonotonicClock.milliseconds()
        _ = pair.server.start(now: now)
        for datagram in [[], [0x00, 0x01], [0x80, 0x60, 0, 1], [UInt8](repeating: 0xFF, count: 1_500), [64, 1, 2]] as [[UInt8]] {
            let output = pair.server.receive(datagram, now: now)
            #expect(output.datagrams.isEmpty && output.events.isEmpty)
        }
        pair.start(now: now)
        #expect(pair.client.state == .connected && pair.server.state == .connected)
    }

    @Test func garbageRecordsNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            let pair = try DtlsTestPair()
            if round.isMultiple(of: 2) { pair.start() } else { _ = pair.server.start(now: 0) }
            let before = pair.server.state
            for _ in 0..<50 {
                let length = Int.random(in: 1...300, using: &generator)
                var datagram = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                datagram[0] = UInt8.random(in: 20...63, using: &generator)
                if length > 3, Bool.random(using: &generator) { datagram[1] = 0xFE; datagram[2] = 0xFD }
                let output = pair.server.receive(datagram, now: 0)
                #expect(output.events.allSatisfy { if case .failed = $0 { true } else { false } })
            }
            #expect(pair.server.state == before || pair.server.state == .failed)
        }
    }

    @Test func closeNotifyReachesThePeer() throws {
        let pair = try DtlsTestPair()
        pair.start()
        let goodbye = pair.client.close()
        #expect(pair.client.state == .closed)
        #expect(goodbye.datagrams.count == 1)
        let received = pair.server.receive(goodbye.datagrams[0], now: 0)
        #expect(received.events == [.closed])
        #expect(pair.server.state == .closed)
        // The server answers with its own close_notify; the closed client ignores it.
        #expect(received.datagrams.count == 1)
        let ignored = pair.client.receive(received.datagrams[0], now: 0)
        #expect(ignored.events.isEmpty && ignored.datagrams.isEmpty)
        #expect(pair.client.close().datagrams.isEmpty)
    }

    @Test func keyingMaterialDescriptionHidesTheKeys() throws {
        let pair = try DtlsTestPair()
        pair.start()
        let keys = try #require(pair.clientKeys)
        let hex = DtlsFingerprint.colonHex(keys.localKey)
        #expect(!"\(keys)".contains(hex))
        #expect("\(keys)".contains("redacted"))
    }
}
