import Testing
@testable import Media

@Suite struct RtcpPacketTests {
    @Test func senderReportSourceDescriptionAndByeCompound() throws {
        let packets = try RtcpPacket.parseCompound(RtpFixtures.bytes("rtcp-sr-sdes-bye.rtcp"))
        #expect(packets.count == 3)
        guard case .senderReport(let report) = packets[0] else { Issue.record("no SR first"); return }
        #expect(report.ssrc == 0xCAFE_BABE)
        #expect(report.ntpTimestamp == NtpTimestamp(seconds: 0xE800_0001, fraction: 0x8000_0000))
        #expect(report.rtpTimestamp == 48_000 && report.packetCount == 250 && report.octetCount == 40_000)
        #expect(report.reportBlocks == [RtcpReportBlock(ssrc: 0x1122_3344, fractionLost: 26, cumulativeLost: 5,
                                                        extendedHighestSequence: 0x0001_0010, jitter: 37,
                                                        lastSenderReport: 0x0001_8000, delaySinceLastSenderReport: 0x8000)])
        #expect(packets[1] == .sourceDescription(RtcpSourceDescription(chunks: [
            .init(ssrc: 0xCAFE_BABE, cname: Array("user@example".utf8))])))
        #expect(packets[2] == .bye(RtcpBye(ssrcs: [0xCAFE_BABE], reason: Array("hangup".utf8))))
    }

    @Test func receiverReportWithBlocksAndUnknownFeedbackSkipped() throws {
        let packets = try RtcpPacket.parseCompound(RtpFixtures.bytes("rtcp-rr-two-blocks-transport-cc.rtcp"))
        #expect(packets.count == 2)
        guard case .receiverReport(let report) = packets[0] else { Issue.record("no RR first"); return }
        #expect(report.ssrc == 0xDEAD_BEEF && report.reportBlocks.count == 2)
        #expect(report.reportBlocks[1] == RtcpReportBlock(ssrc: 0x5566_7788, fractionLost: 0, cumulativeLost: 0,
                                                          extendedHighestSequence: 7, jitter: 0,
                                                          lastSenderReport: 0, delaySinceLastSenderReport: 0))
        #expect(packets[1] == .unknown(packetType: 205, count: 15))
    }

    @Test func negativeCumulativeLossIsSignExtended() throws {
        var bytes: [UInt8] = [0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0xFF, 0xFF, 0xFE]
        bytes += [UInt8](repeating: 0, count: 16)
        guard case .receiverReport(let report) = try RtcpPacket.parseCompound(bytes)[0] else { Issue.record("no RR"); return }
        #expect(report.reportBlocks[0].cumulativeLost == -2)
    }

    @Test func writtenSenderReportCompoundParsesBack() throws {
        let block = RtcpReportBlock(ssrc: 9, fractionLost: 12, cumulativeLost: -3, extendedHighestSequence: 70_000,
                                    jitter: 150, lastSenderReport: 0xABCD_0123, delaySinceLastSenderReport: 655)
        let report = RtcpSenderReport(ssrc: 77, ntpTimestamp: NtpTimestamp(seconds: 3_900_000_000, fraction: 12_345),
                                      rtpTimestamp: 123_456, packetCount: 50, octetCount: 4_000, reportBlocks: [block])
        let cname = Array("callbox-1".utf8)
        var buffer = [UInt8](repeating: 0xEE, count: 200)
        let length = try buffer.withUnsafeMutableBytes { try RtcpCompound.write(report, cname: cname, into: $0) }
        #expect(length % 4 == 0)
        let packets = try RtcpPacket.parseCompound(Array(buffer[0..<length]))
        #expect(packets == [.senderReport(report), .sourceDescription(RtcpSourceDescription(chunks: [.init(ssrc: 77, cname: cname)]))])
    }

    @Test func writtenReceiverReportCompoundParsesBack() throws {
        let report = RtcpReceiverReport(ssrc: 5, reportBlocks: [])
        var buffer = [UInt8](repeating: 0xEE, count: 64)
        let length = try buffer.withUnsafeMutableBytes { try RtcpCompound.write(report, cname: [0x61], into: $0) }
        #expect(length == 8 + 12)
        #expect(try RtcpPacket.parseCompound(Array(buffer[0..<length])) == [
            .receiverReport(report), .sourceDescription(RtcpSourceDescription(chunks: [.init(ssrc: 5, cname: [0x61])]))])
        var small = [UInt8](repeating: 0, count: 19)
        #expect(throws: RtcpError.bufferTooSmall(needed: 20, available: 19)) {
            try small.withUnsafeMutableBytes { try RtcpCompound.write(report, cname: [0x61], into: $0) }
        }
    }

    @Test(arguments: [
        ([UInt8](), RtcpError.truncatedHeader(offset: 0)),
        ([0x81, 200, 0], RtcpError.truncatedHeader(offset: 0)),
        ([0x41, 200, 0, 0], RtcpError.unsupportedVersion(1, offset: 0)),
        ([0x80, 201, 0, 2, 0, 0, 0, 1], RtcpError.lengthOverrun(offset: 0, declaredBytes: 12, available: 8)),
        ([0x81, 201, 0, 1, 0, 0, 0, 1], RtcpError.bodyTooShort(packetType: 201, offset: 0)),
        ([0x80, 200, 0, 1, 0, 0, 0, 1], RtcpError.bodyTooShort(packetType: 200, offset: 0)),
        ([0xA0, 201, 0, 1, 0, 0, 0, 9], RtcpError.invalidPadding(offset: 0)),
        ([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x61, 0x62], RtcpError.sourceDescriptionOverrun(offset: 8)),
        ([0x81, 202, 0, 1, 0, 0, 0, 1], RtcpError.sourceDescriptionOverrun(offset: 8)),
        ([0x81, 203, 0, 0], RtcpError.bodyTooShort(packetType: 203, offset: 0)),
        ([0x80, 203, 0, 1, 9, 0x61, 0x62, 0x63], RtcpError.bodyTooShort(packetType: 203, offset: 0)),
        ([0x80, 204, 0, 1, 0, 0, 0, 1], RtcpError.bodyTooShort(packetType: 204, offset: 0)),
        ([0x80, 201, 0, 1, 0, 0, 0, 1, 0x80], RtcpError.truncatedHeader(offset: 8)),
    ] as [([UInt8], RtcpError)])
    func malformedCompoundsAreRefusedPrecisely(bytes: [UInt8], expected: RtcpError) {
        #expect(throws: expected) { try RtcpPacket.parseCompound(bytes) }
    }

    @Test func muxDemultiplexingByPacketType() {
        [UInt8]([0x80, 200, 0, 6]).withUnsafeBytes { #expect(RtcpPacket.looksLikeRtcp($0)) }
        [UInt8]([0x80, 111, 0, 6]).withUnsafeBytes { #expect(!RtcpPacket.looksLikeRtcp($0)) }
        [UInt8]([0x80, 0x80 | 111, 0, 6]).withUnsafeBytes { #expect(!RtcpPacket.looksLikeRtcp($0)) }
    }
}

@Suite struct RtcpReceptionStatisticsTests {
    /// 48 kHz stream, 20 ms frames: arrival in ms, converted by the type to 48 units per ms.
    func record(_ statistics: inout RtcpReceptionStatistics, _ sequence: UInt16, _ timestamp: UInt32, _ milliseconds: Int64) {
        statistics.record(sequenceNumber: sequence, rtpTimestamp: timestamp, ssrc: 0xABCD,
                          arrivalNanoseconds: milliseconds * 1_000_000)
    }

    @Test func lossFractionAndJitterMatchHandComputedValues() throws {
        var statistics = RtcpReceptionStatistics()
        record(&statistics, 100, 0, 0)          // transit 0
        record(&statistics, 101, 960, 20)       // transit 0: D 0, J16 = 0
        record(&statistics, 103, 2_880, 70)     // transit 480: D 480, J16 = 480
        record(&statistics, 102, 1_920, 75)     // transit 1680: D 1200, J16 = 480 + 1200 - 30 = 1650
        record(&statistics, 105, 4_800, 100)    // transit 0: D 1680, J16 = 1650 + 1680 - 103 = 3227
        #expect(statistics.packetsReceived == 5)
        #expect(statistics.extendedHighestSequence == 105)
        #expect(statistics.cumulativeLost == 1)
        #expect(statistics.jitter == 201)
        #expect(abs(statistics.jitterMilliseconds - 3_227.0 / 16 / 48) < 1e-9)
        let firstBlock = statistics.makeReportBlock(nowNanoseconds: 0)
        let first = try #require(firstBlock)
        #expect(first.ssrc == 0xABCD && first.fractionLost == 42 && first.cumulativeLost == 1)  // 256 × 1/6
        #expect(first.lastSenderReport == 0 && first.delaySinceLastSenderReport == 0)

        for step in 1...4 { record(&statistics, UInt16(105 + step), UInt32(4_800 + 960 * step), Int64(100 + 20 * step)) }
        let secondBlock = statistics.makeReportBlock(nowNanoseconds: 0)
        let second = try #require(secondBlock)
        #expect(second.fractionLost == 0 && second.cumulativeLost == 1 && second.extendedHighestSequence == 109)
    }

    @Test func sequenceWrapExtendsTheHighestSequence() {
        var statistics = RtcpReceptionStatistics()
        for (index, sequence) in [UInt16(65_534), 65_535, 0, 1].enumerated() {
            record(&statistics, sequence, UInt32(960 * index), Int64(20 * index))
        }
        #expect(statistics.extendedHighestSequence == 65_537 && statistics.cumulativeLost == 0 && statistics.jitter == 0)
    }

    @Test func largeJumpIsBelievedOnlyWhenTheNextPacketFollows() {
        var statistics = RtcpReceptionStatistics()
        record(&statistics, 10, 0, 0)
        record(&statistics, 20_000, 960, 20)
        #expect(statistics.extendedHighestSequence == 10 && statistics.packetsReceived == 1)
        record(&statistics, 20_001, 1_920, 40)
        #expect(statistics.extendedHighestSequence == 20_001 && statistics.packetsReceived == 1)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test func delaySinceLastSenderReportIsIn65536ths() throws {
        var statistics = RtcpReceptionStatistics()
        record(&statistics, 1, 0, 0)
        let ntp = NtpTimestamp(seconds: 0x0001_0002, fraction: 0x0003_0000)
        statistics.recordSenderReport(ntp, arrivalNanoseconds: 1_000_000_000)
        let made = statistics.makeReportBlock(nowNanoseconds: 1_500_000_000)
        let block = try #require(made)
        #expect(block.lastSenderReport == 0x0002_0003)
        #expect(block.delaySinceLastSenderReport == 32_768)
    }

    @Test func roundTripFromLastSenderReportAndDelay() {
        var roundTrip = RtcpRoundTrip()
        let sent = NtpTimestamp(seconds: 100, fraction: 0)
        roundTrip.recordSentReport(sent)
        let block = RtcpReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0,
                                    lastSenderReport: sent.compact, delaySinceLastSenderReport: 16_384)  // 250 ms
        let arrival = NtpTimestamp(seconds: 100, fraction: 1_717_986_918)                                 // +400 ms
        let milliseconds = roundTrip.update(with: block, arrival: arrival)
        #expect(abs((milliseconds ?? 0) - 150) < 0.1)
        #expect(roundTrip.lastMilliseconds == milliseconds)
        var stranger = block
        stranger.lastSenderReport = 0x1234_5678
        let unknown = roundTrip.update(with: stranger, arrival: arrival)
        #expect(unknown == nil)
    }

    @Test func ntpTimestampFromUnixTime() {
        let ntp = NtpTimestamp(unixNanoseconds: 1_500_000_000)
        #expect(ntp.seconds == 2_208_988_801 && ntp.fraction == 0x8000_0000)
    }
}

@Suite struct RtcpSchedulerTests {
    @Test func firstReportEarlyThenEveryInterval() {
        var scheduler = RtcpScheduler(startMilliseconds: 1_000)
        #expect(scheduler.millisecondsUntilDue(nowMilliseconds: 1_499) == 1)
        let due = [1_499, 1_500, 6_499, 6_500, 20_000].map { scheduler.isDue(nowMilliseconds: $0) }
        #expect(due == [false, true, false, true, true])
        #expect(scheduler.nextReportMilliseconds == 25_000)
    }
}
