import Testing
@testable import Media

@Suite struct SrtpVectorTests {
    @Test(arguments: [
        ("aes128-cm-hmac-sha1-80.hex", SrtpProfile.aes128CmHmacSha1_80),
        ("aead-aes128-gcm.hex", SrtpProfile.aeadAes128Gcm),
    ])
    func protectsBitExactly(file: String, profile: SrtpProfile) throws {
        let vector = SrtpFixture.values(file)
        let key = try #require(vector["master_key"]), salt = try #require(vector["master_salt"])
        let sender = try SrtpSession(profile: profile, key: key, salt: salt, direction: .outbound)
        var rtp = try #require(vector["rtp"])
        try sender.protectRTP(&rtp)
        #expect(rtp == vector["srtp"])
        var rtcp = try #require(vector["rtcp"])
        try sender.protectRTCP(&rtcp)
        #expect(rtcp == vector["srtcp"])

        let receiver = try SrtpSession(profile: profile, key: key, salt: salt, direction: .inbound)
        var srtp = try #require(vector["srtp"])
        try receiver.unprotectRTP(&srtp)
        #expect(srtp == vector["rtp"])
        var srtcp = try #require(vector["srtcp"])
        try receiver.unprotectRTCP(&srtcp)
        #expect(srtcp == vector["rtcp"])
    }

    @Test func referenceKeyDerivationMatchesRfc3711AppendixB3() {
        let vector = SrtpFixture.values("rfc3711-b3-key-derivation.hex")
        let key = vector["master_key"] ?? [], salt = vector["master_salt"] ?? []
        #expect(SrtpReference.derive(masterKey: key, masterSalt: salt, label: 0x00, length: 16) == vector["cipher_key"])
        #expect(SrtpReference.derive(masterKey: key, masterSalt: salt, label: 0x02, length: 14) == vector["cipher_salt"])
        #expect(SrtpReference.derive(masterKey: key, masterSalt: salt, label: 0x01, length: 20) == vector["auth_key"])
    }

    @Test func referenceSealingMatchesRfc7714Section16() {
        let vector = SrtpFixture.values("rfc7714-16.1.hex")
        let key = vector["session_key"] ?? [], salt = vector["session_salt"] ?? [], rtp = vector["rtp"] ?? []
        #expect(SrtpReference.rtpIV(salt: salt, packet: rtp, rolloverCounter: 0) == vector["iv"])
        let sealed = SrtpReference.sealRTP(sessionKey: key, sessionSalt: salt, packet: rtp)
        #expect(sealed == Array(rtp[0..<12]) + (vector["ciphertext"] ?? []) + (vector["tag"] ?? []))
    }

    /// The GCM packet libsrtp produces is the one RFC 7714 defines: derive the session key
    /// and salt from the master key independently (labels 0x00 and 0x02, RFC 3711 §4.3.1)
    /// and seal the same packet with OpenSSL.
    @Test func gcmSessionAgreesWithTheIndependentConstruction() throws {
        let vector = SrtpFixture.values("aead-aes128-gcm.hex")
        let key = try #require(vector["master_key"]), salt = try #require(vector["master_salt"])
        let sessionKey = SrtpReference.derive(masterKey: key, masterSalt: salt, label: 0x00, length: 16)
        let sessionSalt = SrtpReference.derive(masterKey: key, masterSalt: salt, label: 0x02, length: 12)
        let plain = try #require(vector["rtp"])
        let expected = SrtpReference.sealRTP(sessionKey: sessionKey, sessionSalt: sessionSalt, packet: plain)

        var packet = plain
        try SrtpSession(profile: .aeadAes128Gcm, key: key, salt: salt, direction: .outbound).protectRTP(&packet)
        #expect(packet == expected)

        var arbitrary: [UInt8] = [0x80, 0x6F, 0x01, 0x02, 0, 0, 0x03, 0xC0, 0x12, 0x34, 0x56, 0x78] + (0..<160).map { UInt8($0 & 0xFF) }
        let reference = SrtpReference.sealRTP(sessionKey: sessionKey, sessionSalt: sessionSalt, packet: arbitrary)
        try SrtpSession(profile: .aeadAes128Gcm, key: key, salt: salt, direction: .outbound).protectRTP(&arbitrary)
        #expect(arbitrary == reference)
    }
}
