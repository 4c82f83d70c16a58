/// Sizes such as `max_body`: a whole number of bytes, or with a binary unit (`512KiB`,
/// `1MiB`). Decimal units (`KB`, `MB`) are refused rather than guessed at.
enum ByteSize {
    private static let units: [(suffix: String, bytes: Int)] = [
        ("", 1), ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
    ]
    private static let mostDigits = 12

    static func parse(_ text: String, within range: ClosedRange<Int>) -> ValueParse<Int> {
        let expected = "a size in bytes, KiB, MiB, GiB or TiB from \(spelled(range.lowerBound)) to \(spelled(range.upperBound)), e.g. 1MiB"
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count).trimmingConfigSpace()
        guard !digits.isEmpty, digits.count <= mostDigits, let number = Int(digits),
              let unit = units.first(where: { $0.suffix == suffix }) else {
            return .failure(ValueProblem(expected))
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit.bytes)
        return !overflow && range.contains(bytes) ? .success(bytes) : .failure(ValueProblem(expected))
    }

    /// The shortest exact spelling: `1MiB`, `512KiB`, `100`.
    static func spelled(_ bytes: Int) -> String {
        for unit in units.reversed() where unit.bytes > 1 && bytes != 0 && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return "\(bytes)"
    }
}
