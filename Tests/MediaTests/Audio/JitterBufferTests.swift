import Testing
@testable import Media

/// Drives a jitter buffer with real Opus packets of a tone, frame by frame.
final class JitterHarness {
    let buffer: JitterBuffer
    let packets: [[UInt8]]
    var ssrc: UInt32 = 0x5EED
    var sequenceBase: UInt16 = 1_000
    var timestampBase: UInt32 = 90_000

    init(frames: Int = 40) throws {
        buffer = try JitterBuffer(payloadType: 111)
        packets = try AudioSignal.encode(AudioSignal.voice(frames: frames), with: OpusEncoder())
    }

    @discardableResult
    func insert(_ frame: Int, arrivalMilliseconds: Int64 = 0, marker: Bool = false, payloadType: UInt8 = 111) -> JitterInsertResult {
        var bytes = [UInt8](repeating: 0, count: 1_600)
        let payload = packets[frame % packets.count]
        let length = (try? payload.withUnsafeBytes { raw in
            try bytes.withUnsafeMutableBytes { out in
                try RtpPacket.write(marker: marker, payloadType: payloadType,
                                    sequenceNumber: sequenceBase &+ UInt16(truncatingIfNeeded: frame),
                                    timestamp: timestampBase &+ UInt32(truncatingIfNeeded: frame * 960),
                                    ssrc: ssrc, payload: raw, into: out)
            }
        }) ?? 0
        return bytes[0..<length].withUnsafeBytes {
            buffer.insert($0, arrivalNanoseconds: arrivalMilliseconds * 1_000_000)
        }
    }

    func pull() -> JitterFrameKind { buffer.nextFrame().kind }
}

@Suite struct JitterBufferTests {
    @Test func silenceUntilTheStartingTargetThenInOrderPlayout() throws {
        let harness = try JitterHarness()
        #expect(harness.buffer.targetDelayMilliseconds == 40)
        #expect(harness.pull() == .silence)
        harness.insert(0)
        #expect(harness.pull() == .silence)
        harness.insert(1)
        var kinds: [JitterFrameKind] = []
        for frame in 2..<20 {
            kinds.append(harness.pull())
            harness.insert(frame)
        }
        #expect(kinds.allSatisfy { $0 == .decoded })
        let statistics = harness.buffer.statistics
        #expect(statistics.received == 20 && statistics.lost == 0 && statistics.late == 0)
        #expect(statistics.currentDelayMilliseconds == 40 && statistics.targetDelayMilliseconds == 40)
    }

    @Test func reorderedPacketsWithinTheTargetPlayInOrder() throws {
        let harness = try JitterHarness()
        var kinds: [JitterFrameKind] = []
        for frame in [1, 0] { #expect(harness.insert(frame) == .inserted) }
        kinds.append(harness.pull())
        for frame in [3, 2] { #expect(harness.insert(frame) == .inserted) }
        kinds.append(harness.pull())
        kinds.append(harness.pull())
        for frame in [5, 4] { #expect(harness.insert(frame) == .inserted) }
        kinds.append(harness.pull())
        kinds.append(harness.pull())
        #expect(kinds == Array(repeating: .decoded, count: 5))
        let statistics = harness.buffer.statistics
        #expect(statistics.lost == 0 && statistics.dropped == 0 && statistics.stretched == 0)
    }

    @Test func duplicateIsDroppedAndLatePacketIsCounted() throws {
        let harness = try JitterHarness()
        #expect(harness.insert(0) == .inserted)
        #expect(harness.insert(0) == .duplicate)
        harness.insert(1)
        #expect(harness.pull() == .decoded)
        harness.insert(2)
        #expect(harness.pull() == .decoded)
        #expect(harness.insert(0) == .late)
        #expect(harness.insert(1) == .late)
        let statistics = harness.buffer.statistics
        #expect(statistics.duplicates == 1 && statistics.late == 2 && statistics.received == 3)
    }

    @Test func lossIsConcealedByFECWhenTheSuccessorIsThereElsePLC() throws {
        let harness = try JitterHarness()
        harness.insert(0)
        harness.insert(1)
        #expect(harness.pull() == .decoded)          // frame 0
        harness.insert(4)                            // 2 and 3 lost; now 80 ms buffered
        #expect(harness.pull() == .concealed)        // drops 1 toward the target, 2 has no successor: PLC
        #expect(harness.pull() == .fecRecovered)     // 3 rebuilt from 4's FEC
        harness.insert(5)
        #expect(harness.pull() == .decoded)          // 4
        let statistics = harness.buffer.statistics
        #expect(statistics.lost == 2 && statistics.concealedByFEC == 1 && statistics.concealedByPLC == 1)
        #expect(statistics.dropped == 1)
    }

    @Test func stretchesOneFrameAtATimeThenUnderruns() throws {
        let harness = try JitterHarness()
        harness.insert(0)
        harness.insert(1)
        var kinds: [JitterFrameKind] = []
        kinds.append(harness.pull())                 // 0
        kinds.append(harness.pull())                 // only 1 buffered: stretched toward 40 ms
        harness.insert(2)
        kinds.append(harness.pull())                 // 1, nothing skipped
        kinds.append(harness.pull())                 // stretched
        kinds.append(harness.pull())                 // 2: never two stretches in a row
        kinds.append(harness.pull())                 // empty: underrun
        harness.insert(3)
        harness.insert(4)
        kinds.append(harness.pull())                 // 3
        #expect(kinds == [.decoded, .concealed, .decoded, .concealed, .decoded, .concealed, .decoded])
        let statistics = harness.buffer.statistics
        #expect(statistics.lost == 0 && statistics.stretched == 2 && statistics.underruns == 1)
        #expect(statistics.concealedByPLC == 3)
    }

    @Test func wrapsAroundSequenceAndTimestamp() throws {
        let harness = try JitterHarness()
        harness.sequenceBase = 65_530
        harness.timestampBase = UInt32.max - 960 * 3 + 1
        harness.insert(0)
        harness.insert(1)
        var kinds: [JitterFrameKind] = []
        for frame in 2..<14 {
            harness.insert(frame)
            kinds.append(harness.pull())
        }
        #expect(kinds.allSatisfy { $0 == .decoded })
        #expect(harness.buffer.statistics.lost == 0 && harness.buffer.statistics.resynchronizations == 0)
    }

    @Test func newSsrcOrTimestampJumpResynchronizes() throws {
        let harness = try JitterHarness()
        harness.insert(0)
        harness.insert(1)
        #expect(harness.pull() == .decoded)
        harness.timestampBase &+= 48_000 * 60                  // a minute ahead: outside the window
        #expect(harness.insert(2) == .resynchronized)
        #expect(harness.pull() == .silence)                     // rebuffering to the target
        harness.insert(3)
        #expect(harness.pull() == .decoded)
        harness.ssrc = 0xBEEF
        #expect(harness.insert(10) == .resynchronized)
        #expect(harness.buffer.statistics.resynchronizations == 2)
    }

    @Test func talkSpurtAfterSilenceRebuffers() throws {
        let harness = try JitterHarness()
        harness.insert(0)
        harness.insert(1)
        for _ in 0..<5 { _ = harness.pull() }                  // 0, a stretch, 1, then underruns
        harness.insert(30, marker: true)                        // DTX gap: 28 frames of silence
        #expect(harness.insert(1) == .late)                     // already played before the gap
        #expect(harness.pull() == .silence)                     // buffering 1 of 2 frames
        harness.insert(31)
        #expect(harness.pull() == .decoded)
        #expect(harness.buffer.statistics.lost == 0)
    }

    @Test func otherPayloadTypesAndGarbageAreCountedNotPlayed() throws {
        let harness = try JitterHarness()
        #expect(harness.insert(0, payloadType: 126) == .otherPayloadType)
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { harness.buffer.insert($0, arrivalNanoseconds: 0) } == .malformed)
        #expect(harness.buffer.statistics.otherPayloadType == 1 && harness.buffer.statistics.malformed == 1)
        #expect(harness.pull() == .silence)
    }

    /// Packets sent every 20 ms, arriving `delay(frame)` ms later; the device pulls every
    /// 20 ms, 5 ms after the send grid. Returns the target seen after each phase.
    func simulate(_ harness: JitterHarness, frames: Range<Int>, delay: (Int) -> Int64) {
        let arrivals = frames.map { (frame: $0, at: Int64($0) * 20 + delay($0)) }.sorted { $0.at < $1.at }
        var next = 0
        var now = Int64(frames.lowerBound) * 20
        while now <= Int64(frames.upperBound) * 20 + 200 {
            while next < arrivals.count && arrivals[next].at <= now {
                harness.insert(arrivals[next].frame, arrivalMilliseconds: arrivals[next].at)
                next += 1
            }
            if now % 20 == 5 { _ = harness.pull() }
            now += 1
        }
    }

    @Test func targetGrowsUnderJitterAndShrinksBack() throws {
        let harness = try JitterHarness()
        #expect(harness.buffer.targetDelayMilliseconds == 40)
        simulate(harness, frames: 0..<200) { $0 % 2 == 0 ? 5 : 35 }          // ±15 ms around the mean
        let grown = harness.buffer.statistics
        #expect(grown.targetDelayMilliseconds >= 100 && grown.targetDelayMilliseconds <= 140)
        #expect(grown.jitterMilliseconds > 25 && grown.jitterMilliseconds < 31)
        #expect(grown.maxDelayMilliseconds <= 200)

        simulate(harness, frames: 200..<500) { _ in 20 }
        let calm = harness.buffer.statistics
        #expect(calm.targetDelayMilliseconds == 20)
        #expect(calm.currentDelayMilliseconds <= 40)
        #expect(calm.dropped > 0)

        simulate(harness, frames: 500..<700) { $0 % 2 == 0 ? 0 : 150 }       // beyond the ceiling
        #expect(harness.buffer.statistics.targetDelayMilliseconds == 200)
    }
}

@Suite struct JitterBufferPipelineTests {
    /// Encoder → RTP sender → 10 % loss and reordering → jitter buffer → decoder: the tone
    /// comes out at its frequency, and the loss is concealed, mostly from FEC.
    @Test func toneSurvivesLossAndReorderingEndToEnd() throws {
        let encoder = try OpusEncoder()
        let buffer = try JitterBuffer(payloadType: 111)
        var sender = RtpStreamSender(payloadType: 111)
        let input = AudioSignal.tone(frequency: 1_000, amplitude: 8_000, frames: 150)
        var packets: [[UInt8]] = []
        var rtp = [UInt8](repeating: 0, count: 1_500)
        for payload in try AudioSignal.encode(input, with: encoder) {
            let length = try payload.withUnsafeBytes { raw in try rtp.withUnsafeMutableBytes { try sender.writeAudio(raw, into: $0) } }
            packets.append(Array(rtp[0..<length]))
        }
        var order = Array(packets.indices).filter { $0 % 10 != 5 }      // every tenth packet lost
        for index in stride(from: 20, to: order.count - 1, by: 7) { order.swapAt(index, index + 1) }
        var output: [Int16] = []
        var kinds: [JitterFrameKind: Int] = [:]
        for (step, index) in order.enumerated() {
            _ = packets[index].withUnsafeBytes { buffer.insert($0, arrivalNanoseconds: Int64(step) * 20_000_000) }
            let frame = buffer.nextFrame()
            kinds[frame.kind, default: 0] += 1
            output += frame.samples
        }
        let statistics = buffer.statistics
        #expect(statistics.lost >= 13 && statistics.lost <= 16)
        #expect(statistics.concealedByFEC >= 10)
        #expect(statistics.late == 0 && statistics.duplicates == 0)
        let steady = output[(20 * 960)...]
        let atTone = AudioSignal.goertzel(steady, frequency: 1_000)
        #expect(atTone > 50 * AudioSignal.goertzel(steady, frequency: 800))
        #expect(atTone > 50 * AudioSignal.goertzel(steady, frequency: 1_200))
        #expect((kinds[.decoded] ?? 0) > 100)
    }
}
