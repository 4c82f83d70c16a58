import Runtime

/// `/api` answers: JSON, never cached (they carry the CSRF token and agents' data), and
/// errors in `ErrorBody`'s shape.
enum ApiResponse {
    static let noStore: (name: String, value: String) = ("Cache-Control", "no-store")

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        var response = HTTPResponse.json(status, JSONWriter.encode(value))
        response.headers.append(noStore)
        return response
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        var response = ErrorBody.response(status, code, message)
        response.headers.append(noStore)
        return response
    }

    /// An error that quotes what another system said: `{"error": {"code", "message", name: detail}}`.
    static func error(_ status: Int, _ code: String, _ message: String, quoting name: String, _ detail: JSONValue) -> HTTPResponse {
        json(status, ["error": ["code": .string(code), "message": .string(message), name: detail]])
    }
}
