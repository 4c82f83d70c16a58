import Glibc
import Synchronization
import Testing
@testable import Handset

@Suite struct AudioFrameQueueTests {
    @Test func refusesWhenFullAndKeepsOrder() {
        let queue = AudioFrameQueue(capacity: 3, samplesPerFrame: 4)
        for value in Int16(1)...3 {
            #expect([value, value, value, value].withUnsafeBufferPointer { queue.push($0) })
        }
        #expect(![Int16(9), 9, 9, 9].withUnsafeBufferPointer { queue.push($0) })
        #expect(queue.overflows == 1 && queue.count == 3)
        var frame = [Int16](repeating: 0, count: 4)
        for value in Int16(1)...3 {
            #expect(frame.withUnsafeMutableBufferPointer { queue.pop(into: $0) })
            #expect(frame == [value, value, value, value])
        }
        frame = [5, 5, 5, 5]
        #expect(!frame.withUnsafeMutableBufferPointer { queue.pop(into: $0) })
        #expect(frame == [5, 5, 5, 5])
    }

    @Test func shortFramesArePaddedAndLongOnesCut() {
        let queue = AudioFrameQueue(capacity: 2, samplesPerFrame: 4)
        [Int16(1), 2].withUnsafeBufferPointer { _ = queue.push($0) }
        [Int16(1), 2, 3, 4, 5, 6].withUnsafeBufferPointer { _ = queue.push($0) }
        var frame = [Int16](repeating: 9, count: 4)
        _ = frame.withUnsafeMutableBufferPointer { queue.pop(into: $0) }
        #expect(frame == [1, 2, 0, 0])
        var wide = [Int16](repeating: 9, count: 6)
        _ = wide.withUnsafeMutableBufferPointer { queue.pop(into: $0) }
        #expect(wide == [1, 2, 3, 4, 0, 0])
        let degenerate = AudioFrameQueue(capacity: 0, samplesPerFrame: 0)
        #expect(degenerate.capacity == 1 && degenerate.samplesPerFrame == 1)
    }

    /// Two threads, sequence-numbered full-size frames: every frame arrives once, in order, whole.
    @Test func oneProducerAndOneConsumerLoseDuplicateAndTearNothing() throws {
        let frames = 5_000
        let samples = AudioFrameQueue.samplesPer20MillisecondsAt48kHz
        let queue = AudioFrameQueue(capacity: 8)
        let producer = try HandsetThread.spawn(name: "test-producer") {
            var frame = [Int16](repeating: 0, count: samples)
            for sequence in 0..<frames {
                for index in 0..<samples { frame[index] = Int16(truncatingIfNeeded: sequence &* 7 &+ index) }
                while !frame.withUnsafeBufferPointer({ queue.push($0) }) { sched_yield() }
            }
        }
        var frame = [Int16](repeating: 0, count: samples)
        var received = 0, torn = 0
        while received < frames {
            guard frame.withUnsafeMutableBufferPointer({ queue.pop(into: $0) }) else {
                sched_yield()
                continue
            }
            for index in 0..<samples where frame[index] != Int16(truncatingIfNeeded: received &* 7 &+ index) {
                torn += 1
            }
            received += 1
        }
        HandsetThread.join(producer)
        #expect(torn == 0)
        #expect(received == frames)
        #expect(queue.count == 0)
        #expect(!frame.withUnsafeMutableBufferPointer { queue.pop(into: $0) }, "nothing duplicated")
    }
}
