import Testing
@testable import Journal

@Suite struct CommitLatencyHistogramTests {
    @Test func bucketsAreCumulativeWithInfinityEqualToCount() {
        var histogram = CommitLatencyHistogram()
        for milliseconds in [0.2, 0.5, 0.9, 3.0, 30.0, 900.0] {
            histogram.record(nanoseconds: UInt64(milliseconds * 1_000_000))
        }
        #expect(histogram.count == 6)
        #expect(abs(histogram.sumMilliseconds - 934.6) < 0.001)
        let buckets = histogram.cumulativeBuckets
        #expect(buckets.map(\.upperBoundMilliseconds) == CommitLatencyHistogram.upperBoundsMilliseconds + [.infinity])
        #expect(buckets.map(\.count) == [2, 3, 3, 4, 4, 4, 5, 5, 5, 6])
    }

    @Test func everyCommitIsTimed() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let before = journal.commitLatency.count
        for index in 0..<5 {
            try journal.callJournal.appendTransition(callKey: "c", at: t0, from: "a", to: "b", event: "\(index)")
        }
        #expect(journal.commitLatency.count == before + 5)
        #expect(journal.commitLatency.sumMilliseconds > 0)
    }
}
