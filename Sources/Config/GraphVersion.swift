/// The Graph API version in request paths: `v24.0`. Calling needs v17.0 or later
/// (specs/whatsapp-cloud-api.md, "Versions").
enum GraphVersion {
    static let oldestWithCalling = 17

    static func parse(_ text: String) -> ValueParse<String> {
        let expected = ValueProblem("a version like v24.0 (v\(oldestWithCalling).0 or later, which the Calling API needs)")
        guard text.hasPrefix("v") else { return .failure(expected) }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = IntegerValue.digits(String(parts[0])), IntegerValue.digits(String(parts[1])) != nil,
              major >= oldestWithCalling else {
            return .failure(expected)
        }
        return .success(text)
    }
}
