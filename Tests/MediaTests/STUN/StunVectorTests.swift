import Testing
@testable import Media

/// RFC 5769: every vector parses to the documented values, verifies, and is rebuilt bit for
/// bit by our serializer (the vectors pad with spaces, hence `padding: 0x20`).
@Suite struct StunVectorTests {
    static let shortTermKey = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)
    /// MD5("<username>:example.org:TheMatrIX"), the §2.4 long-term key (RFC 8489 §9.2.2).
    static let longTermKey = StunFixture.hex("e8ca7ad59d5eb0518e312911d2dab2a9")
    static let vectorTransaction = StunTransactionID(bytes: StunFixture.hex("b7e7a701bc34d686fa87dfae"))

    @Test func sampleRequest() throws {
        let bytes = StunFixture.bytes("rfc5769-sample-request.bin")
        let message = try StunMessage.parse(bytes)
        #expect(message.messageClass == .request)
        #expect(message.method == .binding)
        #expect(message.transactionID == Self.vectorTransaction)
        #expect(message.attributes.map(\.type) == [0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028])
        #expect(message.attributes[0] == .software("STUN test client"))
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.username == "evtj:h6vY")
        #expect(message.verifyIntegrity(key: Self.shortTermKey))
        #expect(!message.verifyIntegrity(key: Array("VOkJxbRl1RmTxUk/WvJxBT".utf8)))
        #expect(message.verifyFingerprint())
        #expect(message.serialize(integrityKey: Self.shortTermKey, fingerprint: true, padding: 0x20) == bytes)
    }

    @Test func ipv4Response() throws {
        let bytes = StunFixture.bytes("rfc5769-ipv4-response.bin")
        let message = try StunMessage.parse(bytes)
        #expect(message.messageClass == .successResponse)
        #expect(message.attributes[0] == .software("test vector"))
        #expect(message.xorMappedAddress == SocketAddress(text: "192.0.2.1:32853"))
        #expect(message.verifyIntegrity(key: Self.shortTermKey))
        #expect(message.verifyFingerprint())
        #expect(message.serialize(integrityKey: Self.shortTermKey, fingerprint: true, padding: 0x20) == bytes)
    }

    @Test func ipv6Response() throws {
        let bytes = StunFixture.bytes("rfc5769-ipv6-response.bin")
        let message = try StunMessage.parse(bytes)
        #expect(message.xorMappedAddress == SocketAddress(text: "[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
        #expect(message.verifyIntegrity(key: Self.shortTermKey))
        #expect(message.verifyFingerprint())
        #expect(message.serialize(integrityKey: Self.shortTermKey, fingerprint: true, padding: 0x20) == bytes)
    }

    @Test func longTermRequest() throws {
        let bytes = StunFixture.bytes("rfc5769-long-term-request.bin")
        let message = try StunMessage.parse(bytes)
        #expect(message.username == "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}")
        #expect(message.attributes.contains(.nonce("f//499k954d6OL34oL9FSTvy64sA")))
        #expect(message.attributes.contains(.realm("example.org")))
        #expect(message.verifyIntegrity(key: Self.longTermKey))
        #expect(!message.verifyFingerprint())
        #expect(message.serialize(integrityKey: Self.longTermKey, fingerprint: false) == bytes)
    }

    /// Any single flipped bit in the covered bytes breaks both checks.
    @Test func flippedBitsAreDetected() throws {
        let bytes = StunFixture.bytes("rfc5769-sample-request.bin")
        for offset in [1, 9, 24, 60, 80] {
            var damaged = bytes
            damaged[offset] ^= 0x01
            guard let message = try? StunMessage.parse(damaged) else { continue }
            #expect(!message.verifyIntegrity(key: Self.shortTermKey))
            #expect(!message.verifyFingerprint())
        }
    }
}
