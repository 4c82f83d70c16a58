import Journal
import Runtime

/// What a handler of a signed-in route gets. Each concern answers its own routes (texts in
/// Messaging, the event stream in Events); the API's router checks the session and hands
/// them this. With `ApiResponse` and `ErrorBody`, the vocabulary every route speaks.
struct ApiRequest {
    var http: HTTPRequest
    var session: AgentSessions.Session
    /// `{name}` segments of the route's pattern, by name.
    var parameters: [String: String]
}
