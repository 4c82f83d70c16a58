import CallCore

/// Durations as installers write them: a whole number and a unit (`20ms`, `45s`, `90m`,
/// `24h`, `7d`). A bare number is refused: "45" could mean seconds or milliseconds.
enum DurationValue {
    private static let units: [(suffix: String, span: TimeSpan)] = [
        ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .minutes(1)), ("h", .hours(1)), ("d", .days(1)),
    ]
    /// Far more digits than any sensible duration, few enough that no product overflows.
    private static let mostDigits = 9

    static func parse(_ text: String, within range: ClosedRange<TimeSpan>) -> ValueParse<TimeSpan> {
        let expected = "a whole number and a unit (ms, s, m, h or d) from \(range.lowerBound) to \(range.upperBound)"
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= mostDigits, let number = Int64(digits),
              let unit = units.first(where: { $0.suffix == suffix }) else {
            return .failure(ValueProblem(expected))
        }
        let span = unit.span * number
        return range.contains(span) ? .success(span) : .failure(ValueProblem(expected))
    }
}
