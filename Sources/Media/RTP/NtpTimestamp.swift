import Glibc

/// A 64-bit NTP timestamp (RFC 5905 §6): seconds since 1900 and a 32-bit binary fraction.
/// Sender reports carry it; round-trip times use its middle 32 bits (RFC 3550 §6.4.1).
public struct NtpTimestamp: Equatable, Hashable, Sendable {
    /// RFC 5905 §6: seconds from 1900-01-01 to the Unix epoch.
    public static let unixEpochOffsetSeconds: UInt64 = 2_208_988_800

    public var seconds: UInt32
    public var fraction: UInt32

    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// From nanoseconds since the Unix epoch.
    public init(unixNanoseconds: Int64) {
        let nanoseconds = UInt64(max(0, unixNanoseconds))
        seconds = UInt32(truncatingIfNeeded: nanoseconds / 1_000_000_000 + Self.unixEpochOffsetSeconds)
        fraction = UInt32(truncatingIfNeeded: (nanoseconds % 1_000_000_000) << 32 / 1_000_000_000)
    }

    /// The wall clock now. RFC 3550 asks for wallclock time in SRs; round trips only need the
    /// reports' times to come from one clock, which this is.
    public static func now() -> NtpTimestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return NtpTimestamp(unixNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// RFC 3550 §6.4.1: the middle 32 bits, in 1/65536 s, used for LSR and round trips.
    public var compact: UInt32 { seconds << 16 | fraction >> 16 }
}
