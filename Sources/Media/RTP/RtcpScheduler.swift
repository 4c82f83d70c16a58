/// When to send the next RTCP report. Pure: the caller passes the monotonic time.
///
/// The first report goes out early so Meta sees RTCP soon after media starts (lack of RTCP is
/// how it detects a dead business leg, spec §6.2); then one every `reportIntervalMilliseconds`.
/// The RFC 3550 §6.3.1 randomisation is left out: it spreads reports of large sessions, and a
/// call here has two members.
public struct RtcpScheduler: Sendable {
    /// RFC 3550 §6.2: the recommended minimum report interval.
    public static let reportIntervalMilliseconds: Int64 = 5_000
    /// RFC 3550 §6.2: the first report may be sent after half the minimum interval; sooner
    /// still helps Meta's liveness check, so 500 ms.
    public static let firstReportDelayMilliseconds: Int64 = 500

    public private(set) var nextReportMilliseconds: Int64

    public init(startMilliseconds: Int64) {
        nextReportMilliseconds = startMilliseconds + Self.firstReportDelayMilliseconds
    }

    /// True when a report is due at `nowMilliseconds`; then the next one is scheduled a full
    /// interval later (not from the missed deadline, so a stalled loop does not burst).
    public mutating func isDue(nowMilliseconds: Int64) -> Bool {
        guard nowMilliseconds >= nextReportMilliseconds else { return false }
        nextReportMilliseconds = nowMilliseconds + Self.reportIntervalMilliseconds
        return true
    }

    /// Milliseconds until the next report, for arming a timer; 0 when already due.
    public func millisecondsUntilDue(nowMilliseconds: Int64) -> Int64 {
        max(0, nextReportMilliseconds - nowMilliseconds)
    }
}
