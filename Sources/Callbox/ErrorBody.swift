import Runtime

/// The box's error shape for every JSON route: `{"error": {"code", "message"}}`.
enum ErrorBody {
    static func response(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return .json(status, JSONWriter.encode(body))
    }
}
