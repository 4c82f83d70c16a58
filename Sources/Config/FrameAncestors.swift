/// The origins allowed to frame the widget (the CSP `frame-ancestors` list): HubSpot's
/// app hosts by default. Written separated by spaces or commas; each is `https://host[:port]`
/// (`http://` for local testing, `*.` allowed at the start of the host, as CSP allows).
enum FrameAncestors {
    static func parse(_ text: String) -> ValueParse<[String]> {
        let expected = ValueProblem("origins such as https://app.hubspot.com, separated by spaces or commas")
        let items = text.split { $0 == " " || $0 == "," || $0 == "\t" }
        guard !items.isEmpty else { return .failure(expected) }
        var origins: [String] = []
        for item in items {
            let lower = item.lowercased()
            let schemeLength = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
            guard schemeLength > 0 else { return .failure(expected) }
            var authority = lower.dropFirst(schemeLength)
            if authority.hasSuffix("/") { authority.removeLast() }
            let checked = authority.hasPrefix("*.") ? authority.dropFirst(2) : authority
            guard !checked.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "*" }),
                  HTTPURL.splitAuthority(checked) != nil else {
                return .failure(expected)
            }
            origins.append(String(lower.prefix(schemeLength)) + authority)
        }
        return .success(origins)
    }
}
