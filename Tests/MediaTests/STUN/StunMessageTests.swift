import Testing
@testable import Media

@Suite struct StunMessageTests {
    static let transaction = StunTransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)

    @Test func everyAttributeRoundTrips() throws {
        let attributes: [StunAttribute] = [
            .mappedAddress(try #require(SocketAddress(text: "10.1.2.3:4000"))),
            .xorMappedAddress(try #require(SocketAddress(text: "[2001:db8::7]:65535"))),
            .xorMappedAddress(try #require(SocketAddress(text: "192.0.2.200:1"))),
            .username("abcd:efgh"),
            .realm("example.org"),
            .nonce("n0nce"),
            .errorCode(code: 487, reason: "Role Conflict"),
            .unknownAttributes([0x0031, 0x0032, 0x0033]),
            .software("callbox"),
            .priority(1_853_824_767),
            .useCandidate,
            .iceControlled(tieBreaker: 0x0123_4567_89AB_CDEF),
            .iceControlling(tieBreaker: .max),
            .other(type: 0xC001, value: [1, 2, 3]),
        ]
        for messageClass in [StunClass.request, .indication, .successResponse, .errorResponse] {
            let message = StunMessage(messageClass: messageClass, transactionID: Self.transaction, attributes: attributes)
            let parsed = try StunMessage.parse(message.serialize())
            #expect(parsed == message)
            #expect(parsed.serialize() == message.serialize())
        }
    }

    @Test func signedMessagesVerifyAndParsedSecurityAttributesRoundTrip() throws {
        let key = Array("a password of 22 chars".utf8)
        let message = StunMessage(messageClass: .request, transactionID: Self.transaction, attributes: [.username("a:b"), .priority(7)])
        let bytes = message.serialize(integrityKey: key, fingerprint: true)
        let parsed = try StunMessage.parse(bytes)
        #expect(parsed.verifyIntegrity(key: key))
        #expect(parsed.verifyFingerprint())
        #expect(!parsed.verifyIntegrity(key: Array("another password here!".utf8)))
        #expect(parsed.serialize() == bytes)
        // Built in code, the message verifies through its own encoding.
        var rebuilt = StunMessage(messageClass: .request, transactionID: Self.transaction, attributes: parsed.attributes)
        #expect(rebuilt.verifyIntegrity(key: key) && rebuilt.verifyFingerprint())
        rebuilt.attributes[1] = .priority(8)
        #expect(!rebuilt.verifyIntegrity(key: key))
        // A parsed message that is changed is verified as it now is, not as it was received.
        var changed = parsed
        changed.transactionID = StunTransactionID(high: 0, low: 0)
        #expect(!changed.verifyIntegrity(key: key) && !changed.verifyFingerprint())
    }

    @Test func messageIntegritySHA256IsVerifiedWhenPresent() throws {
        let key = Array("sha256 key".utf8)
        var bytes = StunMessage(messageClass: .request, transactionID: Self.transaction, attributes: [.username("x:y")]).serialize()
        // Length as if MESSAGE-INTEGRITY-SHA256 (32 bytes) were already there (RFC 8489 §14.6).
        bytes[3] = UInt8(bytes.count - 20 + 36)
        let mac = StunHmac.sha256(key: key, message: bytes)
        bytes += [0x00, 0x1C, 0x00, 0x20] + mac
        let parsed = try StunMessage.parse(bytes)
        #expect(parsed.attributes.last == .messageIntegritySHA256(mac))
        #expect(parsed.verifyIntegrity(key: key))
        #expect(!parsed.verifyIntegrity(key: Array("wrong".utf8)))
        #expect(!parsed.verifyFingerprint())
    }

    @Test func messageTypesInterleaveClassAndMethodBits() {
        let id = Self.transaction
        #expect(StunMessage(messageClass: .request, transactionID: id).serialize()[0...1] == [0x00, 0x01])
        #expect(StunMessage(messageClass: .indication, transactionID: id).serialize()[0...1] == [0x00, 0x11])
        #expect(StunMessage(messageClass: .successResponse, transactionID: id).serialize()[0...1] == [0x01, 0x01])
        #expect(StunMessage(messageClass: .errorResponse, transactionID: id).serialize()[0...1] == [0x01, 0x11])
        #expect(StunMessage(messageClass: .successResponse, method: StunMethod(rawValue: 0x003), transactionID: id).serialize()[0...1] == [0x01, 0x03])
    }

    @Test func unknownAttributesAreKeptAndComprehensionRequiredOnesReported() throws {
        let message = StunMessage(messageClass: .request, transactionID: Self.transaction,
                                  attributes: [.other(type: 0x0031, value: [9]), .other(type: 0x8031, value: [])])
        let parsed = try StunMessage.parse(message.serialize())
        #expect(parsed.unknownComprehensionRequired == [0x0031])
        #expect(parsed.attributes.count == 2)
    }

    @Test func attributesAfterIntegrityAreIgnoredExceptFingerprint() throws {
        let key = Array("k".utf8)
        var bytes = StunMessage(messageClass: .request, transactionID: Self.transaction, attributes: [.username("a:b")])
            .serialize(integrityKey: key, fingerprint: false)
        bytes += [0x80, 0x22, 0x00, 0x04] + Array("late".utf8)
        bytes[3] = UInt8(bytes.count - 20)
        let parsed = try StunMessage.parse(bytes)
        #expect(parsed.attributes.map(\.type) == [0x0006, 0x0008])
        #expect(parsed.verifyIntegrity(key: key))
    }

    static let header = StunFixture.hex("0001 0000 2112a442 b7e7a701bc34d686fa87dfae")

    static func withBody(_ body: String) -> [UInt8] {
        var bytes = header + StunFixture.hex(body)
        bytes[2] = UInt8((bytes.count - 20) >> 8)
        bytes[3] = UInt8((bytes.count - 20) & 0xFF)
        return bytes
    }

    static let malformed: [(String, [UInt8], StunError)] = [
        ("empty", [], .shortHeader(count: 0)),
        ("19 bytes", Array(header.prefix(19)), .shortHeader(count: 19)),
        ("RTP first byte", [0x80] + header.dropFirst(), .notStun(firstByte: 0x80)),
        ("RFC 3489 cookie", StunFixture.hex("0001 0000 00000000 b7e7a701bc34d686fa87dfae"), .badMagicCookie(0)),
        ("odd length", StunFixture.hex("0001 0002 2112a442 b7e7a701bc34d686fa87dfae 0000"), .lengthNotMultipleOfFour(2)),
        ("length beyond datagram", StunFixture.hex("0001 0008 2112a442 b7e7a701bc34d686fa87dfae 00000000"), .lengthMismatch(declared: 8, available: 4)),
        ("length short of datagram", StunFixture.hex("0001 0000 2112a442 b7e7a701bc34d686fa87dfae 00000000"), .lengthMismatch(declared: 0, available: 4)),
        ("value overrun", withBody("0006 0008 61626364"), .attributeOverrun(type: 6, offset: 20, length: 8)),
        ("padding overrun", withBody("0006 0005 61626364"), .attributeOverrun(type: 6, offset: 20, length: 5)),
        ("integrity of 19 bytes", withBody("0008 0013 " + String(repeating: "00", count: 20)), .invalidAttribute(type: 8, reason: "length 19, expected 20")),
        ("fingerprint of 2 bytes", withBody("8028 0002 0000 0000"), .invalidAttribute(type: 0x8028, reason: "length 2, expected 4")),
        ("priority of 8 bytes", withBody("0024 0008 0000000000000000"), .invalidAttribute(type: 0x24, reason: "length 8, expected 4")),
        ("USE-CANDIDATE with a value", withBody("0025 0004 00000000"), .invalidAttribute(type: 0x25, reason: "length 4, expected 0")),
        ("ICE-CONTROLLING of 4 bytes", withBody("802a 0004 00000000"), .invalidAttribute(type: 0x802A, reason: "length 4, expected 8")),
        ("address family 3", withBody("0020 0008 0003 0000 00000000"), .invalidAttribute(type: 0x20, reason: "unknown address family 3")),
        ("IPv6 family with IPv4 length", withBody("0020 0008 0002 0000 00000000"), .invalidAttribute(type: 0x20, reason: "length 8 for family 2, expected 20")),
        ("address of 2 bytes", withBody("0001 0002 0001 0000"), .invalidAttribute(type: 1, reason: "address of 2 bytes")),
        ("error class 7", withBody("0009 0004 00000700"), .invalidAttribute(type: 9, reason: "code 700 outside 300–699")),
        ("error number 100", withBody("0009 0004 00000464"), .invalidAttribute(type: 9, reason: "code 500 outside 300–699")),
        ("error code of 3 bytes", withBody("0009 0003 00000400"), .invalidAttribute(type: 9, reason: "length 3, at least 4 needed")),
        ("UNKNOWN-ATTRIBUTES odd", withBody("000a 0003 00310000"), .invalidAttribute(type: 0xA, reason: "odd length 3")),
        ("USERNAME not UTF-8", withBody("0006 0002 ff fe 0000"), .invalidAttribute(type: 6, reason: "not UTF-8")),
        ("USERNAME of 516 bytes", withBody("0006 0204 " + String(repeating: "61", count: 516)), .invalidAttribute(type: 6, reason: "516 bytes, at most 512 allowed")),
        ("attribute after FINGERPRINT", withBody("8028 0004 00000000 8022 0000"), .attributeAfterFingerprint(type: 0x8022)),
        ("65 attributes", withBody(String(repeating: "8031 0000 ", count: 65)), .tooManyAttributes(limit: 64)),
    ]

    /// SOFTWARE is informational only: bytes that are not UTF-8 do not drop the peer's check.
    @Test func aSoftwareAttributeThatIsNotUTF8IsReadAsBestItCanBe() throws {
        let message = try StunMessage.parse(Self.withBody("8022 0004 ff fe 41 42"))
        guard case .software(let text)? = message.attributes.first else { Issue.record("no SOFTWARE"); return }
        #expect(text.hasSuffix("AB"))
    }

    @Test(arguments: malformed.indices) func malformedInputIsRefusedPrecisely(_ index: Int) {
        let (name, bytes, expected) = Self.malformed[index]
        #expect(throws: expected, "\(name)") { try StunMessage.parse(bytes) }
    }
}
