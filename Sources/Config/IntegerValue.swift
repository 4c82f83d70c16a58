/// A whole decimal number within a range (`max_calls`, `rate`), and numeric ids.
enum IntegerValue {
    private static let mostDigits = 18

    static func parse(_ text: String, within range: ClosedRange<Int>) -> ValueParse<Int> {
        guard let number = digits(text), range.contains(number) else {
            return .failure(ValueProblem("a whole number from \(range.lowerBound) to \(range.upperBound)"))
        }
        return .success(number)
    }

    /// Meta and HubSpot ids (`phone_number_id`, `portal_id`, owner ids) are decimal digits;
    /// they stay text because they are only ever sent back as text.
    static func identifier(_ text: String) -> ValueParse<String> {
        guard !text.isEmpty, text.count <= mostDigits, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(ValueProblem("a numeric id (digits only)"))
        }
        return .success(text)
    }

    static func digits(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= mostDigits, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
