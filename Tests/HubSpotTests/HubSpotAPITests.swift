import HubSpot
import Runtime
import Testing

/// Answers every request with one scripted result and keeps what was sent.
final class ScriptedTransport: HubSpotTransport {
    var answers: [Result<HTTPClientResponse, HTTPClientError>]
    private(set) var sent: [HTTPClientRequest] = []

    init(_ answers: [Result<HTTPClientResponse, HTTPClientError>]) {
        self.answers = answers
    }

    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        sent.append(request)
        completion(answers.removeFirst())
    }
}

@Suite struct HubSpotAPITests {
    private func outcome(_ answer: Result<HTTPClientResponse, HTTPClientError>) -> (Result<JSONValue, HubSpotError>?, ScriptedTransport) {
        let transport = ScriptedTransport([answer])
        let api = HubSpotAPI(transport: transport, baseURL: "https://api.example/", accessToken: "pat-1")
        var result: Result<JSONValue, HubSpotError>?
        api.send("POST", "/crm/v3/objects/calls", body: ["properties": [:]]) { result = $0 }
        return (result, transport)
    }

    @Test func sendsBearerTokenAndJSON() throws {
        let (result, transport) = outcome(.success(HTTPClientResponse(status: 201, body: Array(#"{"id":"7"}"#.utf8))))
        #expect(try result?.get()["id"]?.string == "7")
        let request = try #require(transport.sent.first)
        #expect(request.url == "https://api.example/crm/v3/objects/calls")
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer pat-1" })
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"properties":{}}"#)
    }

    @Test func rateLimitCarriesRetryAfter() {
        let response = HTTPClientResponse(status: 429, body: Array(#"{"status":"error","message":"Slow down","category":"RATE_LIMITS"}"#.utf8),
                                          headers: [("Retry-After", "7")])
        let (result, _) = outcome(.success(response))
        guard case let .failure(error)? = result else { Issue.record("expected failure"); return }
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfterSeconds == 7)
        #expect(error.category == "RATE_LIMITS")
        #expect(!error.isAmbiguous)
    }

    @Test func absurdRetryAfterIsCapped() {
        let response = HTTPClientResponse(status: 429, body: [], headers: [("Retry-After", "999999")])
        #expect(HubSpotError(response: response).retryAfterSeconds == HubSpotError.maximumRetryAfterSeconds)
    }

    @Test func serverErrorsAndTimeoutsAreAmbiguous() {
        let (server, _) = outcome(.success(HTTPClientResponse(status: 502, body: Array("<html>bad gateway</html>".utf8))))
        guard case let .failure(error)? = server else { Issue.record("expected failure"); return }
        #expect(error.kind == .serverError && error.isAmbiguous)
        #expect(error.message == "<html>bad gateway</html>")
        let (timeout, _) = outcome(.failure(.timedOut))
        guard case let .failure(lost)? = timeout else { Issue.record("expected failure"); return }
        #expect(lost.kind == .transport && lost.isAmbiguous)
    }

    @Test func validationErrorIsNotRetriable() {
        let (result, _) = outcome(.success(HTTPClientResponse(status: 400, body: Array(#"{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}"#.utf8))))
        guard case let .failure(error)? = result else { Issue.record("expected failure"); return }
        #expect(error.kind == .rejected && !error.isAmbiguous)
        #expect(error.description == "HubSpot HTTP 400 VALIDATION_ERROR: Property values were not valid")
    }

    @Test func nonJSONSuccessIsMalformed() {
        let (result, _) = outcome(.success(HTTPClientResponse(status: 200, body: Array("ok".utf8))))
        guard case let .failure(error)? = result else { Issue.record("expected failure"); return }
        #expect(error.kind == .malformedResponse)
    }
}
