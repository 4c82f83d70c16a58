/// An agent's login name. Only the shape that tells a typo from an address is checked:
/// one `@`, something on both sides, a dot in the domain, no spaces.
enum EmailAddress {
    static func parse(_ text: String) -> ValueParse<String> {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.contains(where: \.isConfigSpace) else {
            return .failure(ValueProblem("an email address such as alice@example.com"))
        }
        return .success(text.lowercased())
    }
}
