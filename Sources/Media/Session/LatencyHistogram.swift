/// Delays inside the box (capture → send, arrival → playout, decode) counted per packet on
/// the thread that measures them: fixed 0.1 ms buckets up to 50 ms plus one overflow bucket,
/// allocated once, so recording a packet allocates nothing and takes no lock (DESIGN
/// principle 2). Percentiles are read on the same thread and published from there.
final class LatencyHistogram {
    /// 0.1 ms resolves the sub-millisecond parts (a send, a decode) the box adds.
    static let bucketNanoseconds: Int64 = 100_000
    /// 50 ms: two and a half audio periods; anything slower is a stall, counted as such.
    static let bucketCount = 500

    private let buckets: UnsafeMutableBufferPointer<Int>
    private(set) var count = 0

    init() {
        buckets = .allocate(capacity: Self.bucketCount + 1)
        buckets.initialize(repeating: 0)
    }

    deinit { buckets.deallocate() }

    func record(nanoseconds: Int64) {
        let index = Int(max(0, nanoseconds) / Self.bucketNanoseconds)
        buckets[min(index, Self.bucketCount)] += 1
        count += 1
    }

    /// The upper edge of the bucket holding the `fraction` quantile, in microseconds (the
    /// overflow bucket reads as 50 ms); nil before anything was recorded.
    func quantileMicroseconds(_ fraction: Double) -> Int? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for index in 0...Self.bucketCount {
            seen += buckets[index]
            if seen >= rank { return Int(min(index + 1, Self.bucketCount) * Int(Self.bucketNanoseconds / 1_000)) }
        }
        return Self.bucketCount * Int(Self.bucketNanoseconds / 1_000)
    }

    var summary: LatencySummary {
        LatencySummary(p50Microseconds: quantileMicroseconds(0.5) ?? 0, p99Microseconds: quantileMicroseconds(0.99) ?? 0,
                       count: count)
    }
}

/// Median and 99th percentile of a `LatencyHistogram`, for the call record.
public struct LatencySummary: Sendable, Equatable {
    public var p50Microseconds = 0
    public var p99Microseconds = 0
    public var count = 0

    public var p50Milliseconds: Double { Double(p50Microseconds) / 1_000 }
    public var p99Milliseconds: Double { Double(p99Microseconds) / 1_000 }
}
