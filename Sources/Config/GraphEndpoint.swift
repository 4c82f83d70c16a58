/// Where Graph API requests go: Meta's real API, or the fake built into the daemon
/// (`graph_url = sandbox`), which lets a box run with no Meta account and no secrets file.
public enum GraphEndpoint: Hashable, Sendable {
    case sandbox
    case url(HTTPURL)

    static let sandboxWord = "sandbox"

    static func parse(_ text: String) -> ValueParse<GraphEndpoint> {
        if text == sandboxWord { return .success(.sandbox) }
        guard case .success = HTTPURL.parse(text) else { return .failure(ValueProblem(HTTPURL.expectation + " or the word 'sandbox'")) }
        return HTTPURL.parseForTokens(text).map(GraphEndpoint.url)
    }
}
