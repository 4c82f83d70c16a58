import Testing
@testable import Media

@Suite struct TelephoneEventTests {
    @Test func encodeDecodeRoundTrip() throws {
        let event = TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 1_120)
        var buffer = [UInt8](repeating: 0, count: 4)
        let length = try buffer.withUnsafeMutableBytes { try event.write(into: $0) }
        #expect(length == 4 && buffer == [11, 0x8A, 0x04, 0x60])
        #expect(try TelephoneEvent.parse(buffer) == event)
        #expect(event.digit?.character == "#")
    }

    @Test func reservedBitIsIgnoredAndShortPayloadRefused() throws {
        #expect(try TelephoneEvent.parse([3, 0x40 | 7, 0, 160]) == TelephoneEvent(event: 3, isEnd: false, volume: 7, duration: 160))
        #expect(throws: RtpError.telephoneEventTooShort(length: 3)) { try TelephoneEvent.parse([1, 2, 3]) }
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(throws: RtpError.telephoneEventFieldOutOfRange) {
            try buffer.withUnsafeMutableBytes { try TelephoneEvent(event: 1, isEnd: false, volume: 64, duration: 0).write(into: $0) }
        }
    }

    @Test func fixturePacketCarriesDigitFive() throws {
        let bytes = RtpFixtures.bytes("telephone-event-end.rtp")
        let packet = try RtpPacket.parse(bytes)
        #expect(packet.payloadType == 126)
        let event = try TelephoneEvent.parse(Array(bytes[packet.payloadRange]))
        #expect(event == TelephoneEvent(event: 5, isEnd: true, volume: 10, duration: 800))
        var receiver = DtmfReceiver()
        let digit = bytes.withUnsafeBytes { receiver.receive(packet, in: $0) }
        #expect(digit?.character == "5")
    }

    @Test func allSixteenDigitsMapBothWays() {
        let characters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]
        for (event, character) in characters.enumerated() {
            #expect(DtmfDigit(character)?.event == UInt8(event))
            #expect(DtmfDigit(event: UInt8(event))?.character == character)
        }
        #expect(DtmfDigit("x") == nil && DtmfDigit(event: 16) == nil && DtmfDigit("b")?.event == 13)
        #expect(DtmfDigit("1\u{FE0F}\u{20E3}") == nil && DtmfDigit("٣") == nil)
    }

    @Test func receiverEmitsEachDigitOnceDespiteUpdatesAndRedundantEnds() throws {
        var receiver = DtmfReceiver()
        var digits: [Character] = []
        func feed(_ event: UInt8, _ end: Bool, _ duration: UInt16, _ timestamp: UInt32) {
            let tone = TelephoneEvent(event: event, isEnd: end, volume: 10, duration: duration)
            if let digit = receiver.receive(tone, ssrc: 7, timestamp: timestamp) { digits.append(digit.character) }
        }
        for duration in stride(from: UInt16(160), through: 640, by: 160) { feed(1, false, duration, 48_000) }
        for _ in 0..<3 { feed(1, true, 800, 48_000) }
        // Same key again: a new event with a new timestamp, its start packets lost.
        for _ in 0..<3 { feed(1, true, 800, 96_000) }
        feed(10, false, 160, 144_000)
        feed(16, false, 160, 192_000)            // flash: not DTMF
        for _ in 0..<3 { feed(10, true, 480, 144_000) }
        #expect(digits == ["1", "1", "*"])
    }

    @Test func senderProducesGrowingDurationsThenThreeEndPackets() throws {
        var sender = DtmfSender(payloadType: 126)
        let digit = try #require(DtmfDigit("7"))
        let started = sender.start(digit, startTimestamp: 4_800, milliseconds: 100)
        let startedWhileBusy = sender.start(digit, startTimestamp: 9_600)
        #expect(started && !startedWhileBusy)
        var packets: [DtmfPacket] = []
        while let packet = sender.nextPacket() { packets.append(packet) }
        #expect(packets.map(\.event.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(packets.map(\.event.isEnd) == [false, false, false, false, true, true, true])
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.allSatisfy { $0.timestamp == 4_800 && $0.payloadType == 126 && $0.event.event == 7 })
        let afterEnd = sender.nextPacket()
        #expect(!sender.isSending && afterEnd == nil)
    }

    /// An offer with `telephone-event/48000` only (spec §11.7) gets durations in 48 kHz
    /// units: 960 per 20 ms, and at most 0xFFFF of them (68 frames) however long the press.
    @Test func durationsCountTheNegotiatedClock() throws {
        var sender = DtmfSender(payloadType: 110, clockRate: 48_000)
        #expect(sender.unitsPerFrame == 960)
        let digit = try #require(DtmfDigit("5"))
        let started = sender.start(digit, startTimestamp: 0, milliseconds: 60)
        #expect(started)
        var durations: [UInt16] = []
        while let packet = sender.nextPacket() { durations.append(packet.event.duration) }
        #expect(durations == [960, 1_920, 2_880, 2_880, 2_880])
        let long = sender.start(digit, startTimestamp: 0, milliseconds: DtmfSender.maxToneMilliseconds)
        #expect(long)
        var last: UInt16 = 0
        while let packet = sender.nextPacket() { last = packet.event.duration }
        #expect(last == 68 * 960)
        #expect(DtmfSender(payloadType: 126, clockRate: 16_000).unitsPerFrame == 160)
    }

    @Test func senderAndReceiverAgreeOverRtp() throws {
        var stream = RtpStreamSender(payloadType: 111, ssrc: 3, initialSequenceNumber: 10, initialTimestamp: 1_000)
        var dtmf = DtmfSender(payloadType: 126)
        var receiver = DtmfReceiver()
        var received: [Character] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        for character in "1#" {
            let digit = try #require(DtmfDigit(character))
            let started = dtmf.start(digit, startTimestamp: stream.nextTimestamp, milliseconds: 60)
            #expect(started)
            while let packet = dtmf.nextPacket() {
                let length = try buffer.withUnsafeMutableBytes { try stream.writeTelephoneEvent(packet, into: $0) }
                let bytes = Array(buffer[0..<length])
                let parsed = try RtpPacket.parse(bytes)
                #expect(parsed.payloadType == 126 && parsed.ssrc == 3)
                if let digit = bytes.withUnsafeBytes({ receiver.receive(parsed, in: $0) }) { received.append(digit.character) }
            }
        }
        #expect(received == ["1", "#"])
        #expect(stream.nextSequenceNumber == 10 + 10 && stream.nextTimestamp == 1_000 + 10 * 960)
    }
}
