/// A phone number as WhatsApp identifies it: the international number in digits only
/// (`+1 555 0100` is stored as `15550100`). `+`, spaces and dashes are accepted when written.
enum PhoneNumber {
    /// E.164: at most 15 digits, country code included.
    static let mostDigits = 15
    /// Shorter than this cannot be a country code plus a subscriber number.
    static let fewestDigits = 7

    static func parse(_ text: String) -> ValueParse<String> {
        let expected = ValueProblem("an international number with country code, e.g. +1 555 010 0100 (\(fewestDigits) to \(mostDigits) digits)")
        var body = Substring(text)
        if body.hasPrefix("+") { body = body.dropFirst() }
        guard body.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == " " || $0 == "-" }) else { return .failure(expected) }
        let digits = String(body.filter { $0.isASCII && $0.isNumber })
        guard (fewestDigits...mostDigits).contains(digits.count), !digits.hasPrefix("0") else { return .failure(expected) }
        return .success(digits)
    }
}
