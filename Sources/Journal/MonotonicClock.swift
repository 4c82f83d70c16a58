import Glibc

/// Elapsed-time readings for metrics. CLOCK_MONOTONIC, because a wall-clock step (NTP on a
/// box that booted without a clock) must not show up as a slow or negative commit.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
