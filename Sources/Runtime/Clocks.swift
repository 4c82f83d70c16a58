import Glibc

/// Milliseconds on CLOCK_MONOTONIC: loop timers and latency measurements, immune to the
/// wall clock being set by NTP after a box boots without a battery-backed clock.
public enum MonotonicClock {
    public static func milliseconds() -> Int64 { nanoseconds() / 1_000_000 }

    public static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// Unix epoch milliseconds: what calls, journal rows and Meta's timestamps are measured in.
public enum WallClock {
    public static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
