import CallCore
import Glibc
import Runtime

/// Times for people: `2026-11-21 03:46:52Z`, always UTC so logs from boxes in different
/// offices compare directly.
public enum TimeText {
    public static func format(_ instant: Instant) -> String {
        iso8601(instant).replacingFirst("T", with: " ")
    }

    /// RFC 3339 (`2026-11-21T03:46:52Z`), for JSON bodies.
    public static func iso8601(_ instant: Instant) -> String {
        var seconds = time_t(instant.unixSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    public static func duration(_ span: TimeSpan) -> String {
        let total = span.seconds
        return total >= 60 ? "\(total / 60)m\(total % 60 < 10 ? "0" : "")\(total % 60)s" : "\(total)s"
    }
}
