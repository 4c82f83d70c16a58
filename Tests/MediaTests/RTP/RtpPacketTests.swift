import Testing
@testable import Media

@Suite struct RtpPacketTests {
    func write(marker: Bool = false, payloadType: UInt8 = 111, sequenceNumber: UInt16 = 1, timestamp: UInt32 = 960,
               ssrc: UInt32 = 0xCAFE_BABE, csrcs: [UInt32] = [], headerExtension: RtpHeaderExtension? = nil,
               payload: [UInt8], padding: Int = 0) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: 1_600)
        let length = try payload.withUnsafeBytes { payloadBytes in
            try buffer.withUnsafeMutableBytes { out in
                try RtpPacket.write(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                                    timestamp: timestamp, ssrc: ssrc, csrcs: csrcs, headerExtension: headerExtension,
                                    payload: payloadBytes, padding: padding, into: out)
            }
        }
        return Array(buffer[0..<length])
    }

    @Test func plainPacketRoundTrips() throws {
        let bytes = try write(marker: true, sequenceNumber: 65_535, timestamp: 0xFFFF_FFFF, payload: [1, 2, 3])
        #expect(bytes.count == 15)
        let packet = try RtpPacket.parse(bytes)
        #expect(packet.marker && packet.payloadType == 111 && packet.sequenceNumber == 65_535)
        #expect(packet.timestamp == 0xFFFF_FFFF && packet.ssrc == 0xCAFE_BABE)
        #expect(Array(bytes[packet.payloadRange]) == [1, 2, 3])
        #expect(packet.extensionProfile == nil && packet.csrcCount == 0 && packet.paddingLength == 0)
    }

    @Test func extensionCsrcAndPaddingRoundTrip() throws {
        let oneByte = RtpHeaderExtension(profile: RtpHeaderExtension.oneByteProfile, data: [0x10, 0x85, 0x22, 1, 2, 3, 0, 0])
        let bytes = try write(csrcs: [7, 8, 9], headerExtension: oneByte, payload: [0xAA, 0xBB], padding: 3)
        let packet = try RtpPacket.parse(bytes)
        #expect(packet.csrcCount == 3)
        bytes.withUnsafeBytes { raw in
            #expect(packet.csrc(0, in: raw) == 7 && packet.csrc(2, in: raw) == 9 && packet.csrc(3, in: raw) == nil)
        }
        #expect(packet.extensionProfile == 0xBEDE)
        #expect(Array(bytes[packet.extensionRange]) == oneByte.data)
        #expect(packet.paddingLength == 3)
        #expect(Array(bytes[packet.payloadRange]) == [0xAA, 0xBB])
        #expect(bytes.count == 12 + 12 + 4 + 8 + 2 + 3)
    }

    @Test func fixturesFromPeersParse() throws {
        let chrome = RtpFixtures.bytes("opus-one-byte-extension.rtp")
        let packet = try RtpPacket.parse(chrome)
        #expect(packet.sequenceNumber == 4_660 && packet.extensionProfile == 0xBEDE)
        #expect(packet.payloadRange == 28..<68 && chrome[packet.payloadRange.lowerBound] == 0x78)

        let twoByte = RtpFixtures.bytes("opus-two-byte-extension-csrc-padding.rtp")
        let second = try RtpPacket.parse(twoByte)
        #expect(second.marker && second.sequenceNumber == 65_535 && second.csrcCount == 2)
        #expect(second.extensionProfile == 0x1000 && second.paddingLength == 4)
        #expect(Array(twoByte[second.payloadRange]) == [0xF8, 0xFF, 0xFE])
    }

    @Test(arguments: [
        ([UInt8](), RtpError.tooShort(length: 0)),
        ([0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0], RtpError.tooShort(length: 11)),
        ([0x40, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], RtpError.unsupportedVersion(1)),
        ([0x82, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5], RtpError.csrcListTruncated(count: 2, available: 1)),
        ([0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE], RtpError.extensionTruncated(declaredBytes: 4, available: 2)),
        ([0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 0x10, 0, 0, 0],
         RtpError.extensionTruncated(declaredBytes: 8, available: 4)),
        ([0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x13, 1, 2, 3],
         RtpError.extensionElementOverrun(offset: 16)),
        ([0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0, 1, 5, 9, 1, 2],
         RtpError.extensionElementOverrun(offset: 16)),
        ([0xA0, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0], RtpError.invalidPadding(count: 0, available: 2)),
        ([0xA0, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3], RtpError.invalidPadding(count: 3, available: 2)),
    ] as [([UInt8], RtpError)])
    func malformedPacketsAreRefusedPrecisely(bytes: [UInt8], expected: RtpError) {
        #expect(throws: expected) { try RtpPacket.parse(bytes) }
    }

    @Test func oneByteStopIdEndsElementWalk() throws {
        let bytes: [UInt8] = [0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0xF0, 0xFF, 0xFF, 0xFF, 9]
        let packet = try RtpPacket.parse(bytes)
        #expect(Array(bytes[packet.payloadRange]) == [9])
    }

    @Test func writerRefusesWhatItCannotEncode() throws {
        #expect(throws: RtpError.payloadTypeOutOfRange(128)) { try write(payloadType: 128, payload: []) }
        #expect(throws: RtpError.tooManyCsrcs(16)) { try write(csrcs: Array(repeating: 1, count: 16), payload: []) }
        #expect(throws: RtpError.extensionNotWordAligned(length: 3)) {
            try write(headerExtension: RtpHeaderExtension(profile: 0xBEDE, data: [1, 2, 3]), payload: [])
        }
        #expect(throws: RtpError.paddingOutOfRange(256)) { try write(payload: [], padding: 256) }
        var small = [UInt8](repeating: 0, count: 13)
        #expect(throws: RtpError.bufferTooSmall(needed: 14, available: 13)) {
            try [UInt8]([1, 2]).withUnsafeBytes { payload in
                try small.withUnsafeMutableBytes { out in
                    try RtpPacket.write(marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0,
                                        payload: payload, into: out)
                }
            }
        }
    }
}

@Suite struct RtpStreamSenderTests {
    func send(_ sender: inout RtpStreamSender, payload: [UInt8]) throws -> RtpPacket {
        var buffer = [UInt8](repeating: 0, count: 200)
        let length = try payload.withUnsafeBytes { bytes in
            try buffer.withUnsafeMutableBytes { try sender.writeAudio(bytes, into: $0) }
        }
        return try RtpPacket.parse(Array(buffer[0..<length]))
    }

    @Test func sequenceAndTimestampAdvancePerFrameAcrossSilenceAndWrap() throws {
        var sender = RtpStreamSender(payloadType: 111, ssrc: 42, initialSequenceNumber: 65_535,
                                     initialTimestamp: 0xFFFF_FFFF - 959)
        let first = try send(&sender, payload: [1, 2, 3])
        #expect(first.marker && first.sequenceNumber == 65_535 && first.timestamp == 0xFFFF_FFFF - 959)
        let second = try send(&sender, payload: [4])
        #expect(!second.marker && second.sequenceNumber == 0 && second.timestamp == 0)
        sender.skipFrame()
        let afterSilence = try send(&sender, payload: [5, 6])
        #expect(afterSilence.marker && afterSilence.sequenceNumber == 1 && afterSilence.timestamp == 1_920)
        #expect(sender.packetCount == 3 && sender.octetCount == 6 && sender.lastTimestamp == 1_920)
    }

    @Test func randomBasesDiffer() {
        let a = RtpStreamSender(payloadType: 111)
        let b = RtpStreamSender(payloadType: 111)
        #expect(a.ssrc != b.ssrc || a.nextSequenceNumber != b.nextSequenceNumber || a.nextTimestamp != b.nextTimestamp)
    }
}
