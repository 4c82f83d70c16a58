import Runtime

/// Where Graph requests go: Meta over HTTPS (`HTTPClient`), or the box's sandbox.
public protocol GraphTransport: AnyObject {
    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion)
}

extension HTTPClient: GraphTransport {}

/// Why a Graph request did not succeed: Meta said no, or no answer came back.
public enum GraphRequestFailure: Error, CustomStringConvertible {
    case graph(GraphError)
    case transport(HTTPClientError)

    public var description: String {
        switch self {
        case let .graph(error): error.description
        case let .transport(error): "Graph unreachable: \(error)"
        }
    }

    /// The `/metrics` label for this outcome.
    public var metricLabel: String {
        switch self {
        case let .graph(error):
            switch error.kind {
            case .auth: "auth"
            case .rateLimited: "rate_limited"
            case .noPermission: "no_permission"
            case .invalidSDP: "invalid_sdp"
            case .duplicateCall: "duplicate_call"
            case .callNotFound: "call_not_found"
            case .permissionRequestLimit: "permission_request_limit"
            case .windowClosed: "window_closed"
            case .malformedResponse: "malformed_response"
            case .other: "other"
            }
        case let .transport(error): error == .timedOut ? "timeout" : "unreachable"
        }
    }
}

/// Sends Graph requests with the business's bearer token. It never retries: a call action
/// that timed out may have been carried out, and sending `accept` or `connect` twice is not
/// harmless, so the caller decides (spec §3; DESIGN principle 3).
public final class GraphClient {
    public static let metricOutcomes = ["ok", "auth", "rate_limited", "no_permission", "invalid_sdp", "duplicate_call",
                                        "call_not_found", "permission_request_limit", "window_closed",
                                        "malformed_response", "other", "timeout", "unreachable"]

    private let transport: GraphTransport
    private let baseURL: String
    private let accessToken: String
    /// Called once per finished request with its metric label.
    public var onOutcome: ((String) -> Void)?

    public init(transport: GraphTransport, baseURL: String, accessToken: String) {
        self.transport = transport
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accessToken = accessToken
    }

    /// A call action (`pre_accept`, `accept`, `reject`, `terminate`).
    public func perform(_ request: GraphRequest, completion: @escaping (Result<Void, GraphRequestFailure>) -> Void) {
        send(request, reading: GraphResponse.callAction, completion: completion)
    }

    /// `connect`: on success Meta's call id (`calls[0].id`).
    public func connect(_ request: GraphRequest, completion: @escaping (Result<String, GraphRequestFailure>) -> Void) {
        send(request, reading: GraphResponse.connectedCallID, completion: completion)
    }

    /// A message (text or call permission request): on success its `wamid`, which the
    /// status webhooks will name.
    public func sendMessage(_ request: GraphRequest, completion: @escaping (Result<String, GraphRequestFailure>) -> Void) {
        send(request, reading: GraphResponse.sentMessageID, completion: completion)
    }

    /// `GET call_permissions`: Meta's view of one user's permission and limits (spec §4.4).
    public func callPermissions(_ request: GraphRequest, completion: @escaping (Result<CallPermissionState, GraphRequestFailure>) -> Void) {
        send(request, reading: GraphResponse.callPermissions, completion: completion)
    }

    /// Sends `request` and reads a 2xx answer with `read`, which throws Meta's error envelope
    /// for any other status.
    private func send<Value>(_ request: GraphRequest, reading read: @escaping (Int, [UInt8]) throws(GraphError) -> Value,
                             completion: @escaping (Result<Value, GraphRequestFailure>) -> Void) {
        send(request) { result in
            completion(result.flatMap { response in
                Result { () throws(GraphError) in try read(response.status, response.body) }.mapError(GraphRequestFailure.graph)
            })
        }
    }

    private func send(_ request: GraphRequest, completion: @escaping (Result<HTTPClientResponse, GraphRequestFailure>) -> Void) {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(accessToken)")]
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        let http = HTTPClientRequest(method: request.method.rawValue, url: baseURL + request.path,
                                     headers: headers, body: request.body ?? [])
        transport.send(http) { [weak self] result in
            let outcome: Result<HTTPClientResponse, GraphRequestFailure> = result.mapError(GraphRequestFailure.transport)
            let label: String
            switch outcome {
            case let .success(response) where (200..<300).contains(response.status): label = "ok"
            case let .success(response): label = GraphRequestFailure.graph(GraphError(httpStatus: response.status, body: response.body)).metricLabel
            case let .failure(failure): label = failure.metricLabel
            }
            self?.onOutcome?(label)
            completion(outcome)
        }
    }
}
