import Testing
@testable import Media

@Suite struct SrtpSessionTests {
    /// Outbound/inbound sessions for both ends, keyed by a real DTLS handshake.
    private struct Call {
        let clientOut: SrtpSession, clientIn: SrtpSession, serverOut: SrtpSession, serverIn: SrtpSession

        init(profile: SrtpProfile) throws {
            let pair = try DtlsTestPair(clientProfiles: [profile], serverProfiles: [profile])
            pair.start()
            let client = try #require(pair.clientKeys)
            let server = try #require(pair.serverKeys)
            clientOut = try SrtpSession(profile: profile, key: client.localKey, salt: client.localSalt, direction: .outbound)
            clientIn = try SrtpSession(profile: profile, key: client.remoteKey, salt: client.remoteSalt, direction: .inbound)
            serverOut = try SrtpSession(profile: profile, key: server.localKey, salt: server.localSalt, direction: .outbound)
            serverIn = try SrtpSession(profile: profile, key: server.remoteKey, salt: server.remoteSalt, direction: .inbound)
        }
    }

    private static func rtp(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payload: Int = 80) -> [UInt8] {
        let timestamp = UInt32(sequence) &* 960
        return [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF),
                UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
            + (0..<payload).map { UInt8(($0 + Int(sequence)) & 0xFF) }
    }

    /// A receiver report with no blocks (RFC 3550 §6.4.2).
    private static let receiverReport: [UInt8] = [0x80, 201, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78]

    @Test(arguments: SrtpProfile.allCases)
    func roundTripsBothWaysWithHandshakeKeys(profile: SrtpProfile) throws {
        let call = try Call(profile: profile)
        for sequence in UInt16(65_530)...UInt16(65_535) {
            let plain = Self.rtp(sequence: sequence)
            var packet = plain
            packet.reserveCapacity(plain.count + SrtpSession.maximumTrailerLength)
            try call.clientOut.protectRTP(&packet)
            #expect(packet.count == plain.count + profile.rtpTrailerLength)
            #expect(packet[12...] != plain[12...])
            try call.serverIn.unprotectRTP(&packet)
            #expect(packet == plain)
        }
        for sequence in UInt16(0)...UInt16(5) { // across the rollover
            let plain = Self.rtp(sequence: sequence, ssrc: 0x0BAD_CAFE)
            var packet = plain
            try call.serverOut.protectRTP(&packet)
            try call.clientIn.unprotectRTP(&packet)
            #expect(packet == plain)
        }
        var report = Self.receiverReport
        try call.clientOut.protectRTCP(&report)
        #expect(report.count == Self.receiverReport.count + profile.rtcpTrailerLength)
        try call.serverIn.unprotectRTCP(&report)
        #expect(report == Self.receiverReport)
    }

    @Test(arguments: SrtpProfile.allCases)
    func tamperedPacketsAreRefused(profile: SrtpProfile) throws {
        let call = try Call(profile: profile)
        var protected = Self.rtp(sequence: 7)
        try call.clientOut.protectRTP(&protected)
        for index in [1, 3, 11, 12, protected.count / 2, protected.count - 1] {
            var tampered = protected
            tampered[index] ^= 0x01
            #expect(throws: SrtpError.authenticationFailed) { try call.serverIn.unprotectRTP(&tampered) }
            #expect(tampered.count == protected.count)
        }
        var report = Self.receiverReport
        try call.clientOut.protectRTCP(&report)
        report[6] ^= 0x80
        #expect(throws: SrtpError.authenticationFailed) { try call.serverIn.unprotectRTCP(&report) }
        // The untouched packet still gets through: failures do not poison the session.
        try call.serverIn.unprotectRTP(&protected)
        #expect(protected == Self.rtp(sequence: 7))
    }

    @Test(arguments: SrtpProfile.allCases)
    func replaysAreRefusedAndReorderingInTheWindowIsAccepted(profile: SrtpProfile) throws {
        let call = try Call(profile: profile)
        var sent: [[UInt8]] = []
        for sequence in UInt16(1_000)..<UInt16(1_300) {
            var packet = Self.rtp(sequence: sequence)
            try call.clientOut.protectRTP(&packet)
            sent.append(packet)
        }
        // Newest first within a 200-packet span, as a jitter burst might deliver them.
        for packet in sent[100..<300].reversed() {
            var copy = packet
            try call.serverIn.unprotectRTP(&copy)
        }
        var replay = sent[250]
        #expect(throws: SrtpError.replayed) { try call.serverIn.unprotectRTP(&replay) }
        var late = sent[150]
        #expect(throws: SrtpError.replayed) { try call.serverIn.unprotectRTP(&late) }
        var stillInWindow = sent[40]
        try call.serverIn.unprotectRTP(&stillInWindow)
        #expect(stillInWindow == Self.rtp(sequence: 1_040))

        var report = Self.receiverReport
        try call.clientOut.protectRTCP(&report)
        var again = report
        try call.serverIn.unprotectRTCP(&report)
        #expect(throws: SrtpError.replayed) { try call.serverIn.unprotectRTCP(&again) }
    }

    @Test func badInputIsAPreciseError() throws {
        let call = try Call(profile: .aeadAes128Gcm)
        var short: [UInt8] = [0x80, 0x00, 0x00]
        #expect(throws: SrtpError.malformedPacket("RTP packet of 3 bytes, need at least 12")) { try call.clientOut.protectRTP(&short) }
        #expect(short == [0x80, 0x00, 0x00])
        var versionOne = Self.rtp(sequence: 1)
        versionOne[0] = 0x40
        #expect(throws: SrtpError.malformedPacket("RTP version 1, expected 2")) { try call.clientOut.protectRTP(&versionOne) }
        var tooShortToCarryATag = Array(Self.rtp(sequence: 1).prefix(20))
        #expect(throws: SrtpError.malformedPacket("SRTP packet of 20 bytes, need at least 28")) { try call.serverIn.unprotectRTP(&tooShortToCarryATag) }
        var wrongWay = Self.rtp(sequence: 1)
        #expect(throws: SrtpError.wrongDirection) { try call.serverIn.protectRTP(&wrongWay) }
        #expect(throws: SrtpError.wrongDirection) { try call.clientOut.unprotectRTCP(&wrongWay) }
        // CSRC count says 15 sources, the packet holds none.
        var lyingHeader = Self.rtp(sequence: 2, payload: 20)
        lyingHeader[0] = 0x8F
        #expect(throws: SrtpError.self) { try call.clientOut.protectRTP(&lyingHeader) }
        #expect(throws: SrtpError.badKeyLength(profile: .aeadAes128Gcm, key: 16, salt: 14)) {
            try SrtpSession(profile: .aeadAes128Gcm, key: [UInt8](repeating: 1, count: 16), salt: [UInt8](repeating: 2, count: 14), direction: .inbound)
        }
    }

    @Test func fixedBuffersNeedRoomForTheTrailer() throws {
        let call = try Call(profile: .aes128CmHmacSha1_80)
        let plain = Self.rtp(sequence: 9)
        var buffer = [UInt8](repeating: 0, count: plain.count + 4)
        buffer.replaceSubrange(0..<plain.count, with: plain)
        #expect(throws: SrtpError.noRoomForTrailer(needed: plain.count + 10, available: plain.count + 4)) {
            _ = try buffer.withUnsafeMutableBytes { try call.clientOut.protectRTP(in: $0, length: plain.count) }
        }
        var roomy = [UInt8](repeating: 0, count: 1_500)
        roomy.replaceSubrange(0..<plain.count, with: plain)
        let length = try roomy.withUnsafeMutableBytes { try call.clientOut.protectRTP(in: $0, length: plain.count) }
        #expect(length == plain.count + 10)
        let back = try roomy.withUnsafeMutableBytes { try call.serverIn.unprotectRTP(in: $0, length: length) }
        #expect(Array(roomy.prefix(back)) == plain)
    }

    /// libsrtp writes only the trailer the profile declares: bytes beyond it stay untouched.
    @Test(arguments: SrtpProfile.allCases)
    func protectionWritesNoFurtherThanTheTrailer(profile: SrtpProfile) throws {
        let call = try Call(profile: profile)
        let canary: [UInt8] = [UInt8](repeating: 0xEE, count: 64)
        for (plain, trailer, isRTP) in [(Self.rtp(sequence: 3), profile.rtpTrailerLength, true), (Self.receiverReport, profile.rtcpTrailerLength, false)] {
            var buffer = plain + [UInt8](repeating: 0, count: trailer) + canary
            let length = try buffer.withUnsafeMutableBytes { bytes in
                let exact = UnsafeMutableRawBufferPointer(rebasing: bytes[0..<(plain.count + trailer)])
                return isRTP
                    ? try call.clientOut.protectRTP(in: exact, length: plain.count)
                    : try call.clientOut.protectRTCP(in: exact, length: plain.count)
            }
            #expect(length == plain.count + trailer)
            #expect(Array(buffer[length...]) == canary)
        }
    }

    @Test func randomDatagramsNeverCrashTheReceiver() throws {
        let call = try Call(profile: .aeadAes128Gcm)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var datagram = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !datagram.isEmpty, Bool.random(using: &generator) { datagram[0] = 0x80 | (datagram[0] & 0x3F) }
            var rtcp = datagram
            #expect(throws: SrtpError.self) { try call.serverIn.unprotectRTP(&datagram) }
            #expect(throws: SrtpError.self) { try call.serverIn.unprotectRTCP(&rtcp) }
        }
    }
}
