/// How long commits take, in fixed buckets the daemon renders as a Prometheus histogram.
/// A commit is where the fsync happens, so this is the figure that says whether the SD
/// card keeps up with the write-ahead rule (a webhook is answered only after its commit).
public struct CommitLatencyHistogram: Equatable, Sendable {
    /// Upper bounds in milliseconds; the last bucket (+Inf) is implicit. From half a
    /// millisecond (a page-cache commit with synchronous NORMAL) to a quarter second (an SD
    /// card stalling on a FULL fsync) — beyond that Meta's webhook timeout comes into view.
    public static let upperBoundsMilliseconds: [Double] = [0.5, 1, 2, 5, 10, 25, 50, 100, 250]

    /// Commits per bucket, not cumulative; the last element counts those above every bound.
    public private(set) var bucketCounts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var sumMilliseconds: Double = 0

    public init() {
        bucketCounts = Array(repeating: 0, count: Self.upperBoundsMilliseconds.count + 1)
    }

    mutating func record(nanoseconds: UInt64) {
        let milliseconds = Double(nanoseconds) / 1_000_000
        var bucket = Self.upperBoundsMilliseconds.count
        for (index, bound) in Self.upperBoundsMilliseconds.enumerated() where milliseconds <= bound {
            bucket = index
            break
        }
        bucketCounts[bucket] += 1
        count += 1
        sumMilliseconds += milliseconds
    }

    /// Prometheus `le` buckets: each bound with the number of commits at or below it,
    /// ending with +Inf (which equals `count`).
    public var cumulativeBuckets: [(upperBoundMilliseconds: Double, count: UInt64)] {
        var running: UInt64 = 0
        var result: [(upperBoundMilliseconds: Double, count: UInt64)] = []
        for (index, bucketCount) in bucketCounts.enumerated() {
            running += bucketCount
            let bound = index < Self.upperBoundsMilliseconds.count ? Self.upperBoundsMilliseconds[index] : Double.infinity
            result.append((bound, running))
        }
        return result
    }
}
