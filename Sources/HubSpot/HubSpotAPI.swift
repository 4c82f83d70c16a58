import Runtime

/// The CRM REST API (hubspot-calling-extensions.md §9) with the private app's bearer token.
/// It never retries on its own: the outbox decides, because a write that timed out may have
/// happened (DESIGN principle 3).
public final class HubSpotAPI {
    /// CRM calls are small; a slow HubSpot must not hold the outbox for long.
    public static let requestTimeoutMilliseconds = 10_000

    private let transport: HubSpotTransport
    private let baseURL: String
    private let accessToken: String
    /// Called once per finished request with its metric label.
    public var onOutcome: ((String) -> Void)?

    public static let metricOutcomes = ["ok", "auth", "rate_limited", "not_found", "rejected", "server_error",
                                        "transport", "malformed_response"]

    public init(transport: HubSpotTransport, baseURL: String, accessToken: String) {
        self.transport = transport
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accessToken = accessToken
    }

    /// Sends one request; a 2xx answer's JSON body (`null` when empty) on success.
    public func send(_ method: String, _ path: String, body: JSONValue? = nil,
                     completion: @escaping (Result<JSONValue, HubSpotError>) -> Void) {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(accessToken)"), ("Accept", "application/json")]
        var bytes: [UInt8] = []
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = JSONWriter.encode(body)
        }
        let request = HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: bytes,
                                        timeoutMilliseconds: Self.requestTimeoutMilliseconds)
        transport.send(request) { [weak self] result in
            let outcome: Result<JSONValue, HubSpotError>
            switch result {
            case let .failure(error):
                outcome = .failure(HubSpotError(transport: error))
            case let .success(response) where (200..<300).contains(response.status):
                if response.body.isEmpty {
                    outcome = .success(.null)
                } else if let document = try? JSONParser.parse(response.body) {
                    outcome = .success(document)
                } else {
                    outcome = .failure(HubSpotError(kind: .malformedResponse, httpStatus: response.status,
                                                    message: "answer is not JSON"))
                }
            case let .success(response):
                outcome = .failure(HubSpotError(response: response))
            }
            self?.onOutcome?(Self.metricLabel(outcome))
            completion(outcome)
        }
    }

    static func metricLabel(_ outcome: Result<JSONValue, HubSpotError>) -> String {
        switch outcome {
        case .success: "ok"
        case let .failure(error):
            switch error.kind {
            case .auth: "auth"
            case .rateLimited: "rate_limited"
            case .notFound: "not_found"
            case .rejected: "rejected"
            case .serverError: "server_error"
            case .transport: "transport"
            case .malformedResponse: "malformed_response"
            }
        }
    }
}
