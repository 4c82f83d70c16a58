/// A length of time in milliseconds. Config durations (`45s`, `24h`, `7d`), timers and
/// call durations all use it, so no unit is ever guessed.
public struct TimeSpan: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value) }
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 1_000) }
    public static func minutes(_ value: Int64) -> TimeSpan { .seconds(value * 60) }
    public static func hours(_ value: Int64) -> TimeSpan { .minutes(value * 60) }
    public static func days(_ value: Int64) -> TimeSpan { .hours(value * 24) }
    public static let zero = TimeSpan(milliseconds: 0)

    public var seconds: Int64 { milliseconds / 1_000 }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds < b.milliseconds }
    public static func + (a: TimeSpan, b: TimeSpan) -> TimeSpan { TimeSpan(milliseconds: a.milliseconds + b.milliseconds) }
    public static func * (a: TimeSpan, n: Int64) -> TimeSpan { TimeSpan(milliseconds: a.milliseconds * n) }

    /// The shortest exact config spelling: `45s`, `36h`, `7d` (so 24 hours is `1d`), `1500ms`.
    public var description: String {
        let units: [(Int64, String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s")]
        for (size, suffix) in units where milliseconds != 0 && milliseconds % size == 0 {
            return "\(milliseconds / size)\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}

/// A point in wall-clock time, Unix epoch milliseconds. Calls are timed on the wall clock
/// because a timer armed before a restart must still fire at the right moment after it,
/// and the journal keeps the same numbers.
public struct Instant: Comparable, Hashable, Sendable {
    public var unixMilliseconds: Int64

    public init(unixMilliseconds: Int64) { self.unixMilliseconds = unixMilliseconds }
    public init(unixSeconds: Int64) { self.unixMilliseconds = unixSeconds * 1_000 }

    public var unixSeconds: Int64 { unixMilliseconds / 1_000 }

    public static func < (a: Instant, b: Instant) -> Bool { a.unixMilliseconds < b.unixMilliseconds }
    public static func + (a: Instant, b: TimeSpan) -> Instant { Instant(unixMilliseconds: a.unixMilliseconds + b.milliseconds) }
    public static func - (a: Instant, b: TimeSpan) -> Instant { Instant(unixMilliseconds: a.unixMilliseconds - b.milliseconds) }
    public static func - (a: Instant, b: Instant) -> TimeSpan { TimeSpan(milliseconds: a.unixMilliseconds - b.unixMilliseconds) }
}
