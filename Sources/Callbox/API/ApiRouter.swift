// API/ owns what agents' browsers reach under /api: sign-in, sessions and the throttle, the
// router and its session gate, the call and permission routes, and CallCommands (what agents
// and /dev/calls ask of calls, answered in HTTP). It may use Calls/, Messaging/, Events/ and
// CRM/; only Wiring/ and Sandbox/ use it.

import Journal
import Runtime

/// Every `/api` route the box serves (DESIGN §5). Adding one is adding a case here and its
/// handler where `APIAssembly` builds the router; the switch there is exhaustive, so no
/// endpoint can be declared without a handler.
enum ApiEndpoint: CaseIterable {
    case login
    case logout
    case me
    case whatsappSend
    case comms
    case permissionStatus
    case permissionRequest
    case permissionValidate
    case events
    case callInitiate
    case callAnswer
    case callReject
    case callEnd
    case callDtmf
    case callMute
    case callEngagement
    case callCompleted
    case callStatus
    case callRecent

    var method: String {
        switch self {
        case .login, .logout, .whatsappSend, .permissionRequest, .permissionValidate, .callInitiate, .callAnswer, .callReject,
             .callEnd, .callDtmf, .callMute, .callEngagement, .callCompleted: "POST"
        case .me, .comms, .permissionStatus, .events, .callStatus, .callRecent: "GET"
        }
    }

    /// Literal segments, and `{name}` for a segment handed to the handler as a parameter.
    var pattern: String {
        switch self {
        case .login: "/api/login"
        case .logout: "/api/logout"
        case .me: "/api/me"
        case .whatsappSend: "/api/whatsapp/send"
        case .comms: "/api/comms"
        case .permissionStatus: "/api/permissions/status/{phone}"
        case .permissionRequest: "/api/permissions/request"
        case .permissionValidate: "/api/permissions/validate"
        case .events: "/api/events"
        case .callInitiate: "/api/calls/initiate"
        case .callAnswer: "/api/calls/{id}/answer"
        case .callReject: "/api/calls/{id}/reject"
        case .callEnd: "/api/calls/end"
        case .callDtmf: "/api/calls/{id}/dtmf"
        case .callMute: "/api/calls/{id}/mute"
        case .callEngagement: "/api/calls/{id}/engagement"
        case .callCompleted: "/api/calls/{id}/completed"
        case .callStatus: "/api/calls/status/{id}"
        case .callRecent: "/api/calls/recent"
        }
    }

    /// Only signing in works without a session.
    var needsSession: Bool { self != .login }

    /// A state-changing request with a session must carry the session's CSRF token in
    /// `X-CSRF-Token`: the cookie is `SameSite=None`, so another site could send it.
    var changesState: Bool { method != "GET" }
}

enum ApiHandler {
    /// The route runs without a session (signing in).
    case open((HTTPRequest, HTTPResponder) -> Void)
    /// The route runs for a signed-in agent only.
    case agent((ApiRequest, HTTPResponder) -> Void)
}

/// The gate in front of every `/api` route. Signing in is open; for any other path a
/// request without a live session gets 401 `no_session` before anything else, so the API's
/// shape is told to signed-in agents only. Then: 404 for an unknown path, 405 with `Allow`
/// for a known path and the wrong method, 403 `csrf` for a state-changing request without
/// the session's CSRF token. Handlers answer when they like: now, or after a Graph reply.
final class ApiRouter {
    static let csrfHeader = "X-CSRF-Token"

    private let authentication: AgentAuthentication
    private let handlers: [(endpoint: ApiEndpoint, handler: ApiHandler)]

    init(authentication: AgentAuthentication, handler: (ApiEndpoint) -> ApiHandler) {
        self.authentication = authentication
        handlers = ApiEndpoint.allCases.map { endpoint in
            let bound = handler(endpoint)
            if case .open = bound {
                precondition(!endpoint.needsSession, "\(endpoint) needs a session but was given an open handler")
            } else {
                precondition(endpoint.needsSession, "\(endpoint) is open but was given a signed-in handler")
            }
            return (endpoint, bound)
        }
    }

    /// The declared endpoints, in declaration order (tests enumerate them).
    var endpoints: [ApiEndpoint] { handlers.map(\.endpoint) }

    func route(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let matches = handlers.compactMap { entry in
            Self.match(entry.endpoint.pattern, request.path).map { (entry: entry, parameters: $0) }
        }
        let isOpenPath = !matches.isEmpty && matches.allSatisfy { !$0.entry.endpoint.needsSession }
        var session: AgentSessions.Session?
        if !isOpenPath {
            switch authentication.session(for: request) {
            case let .valid(found):
                session = found
            case .missing:
                responder.respond(ApiResponse.error(401, "no_session", "sign in first: POST /api/login"))
                return
            case let .unavailable(reason):
                responder.respond(ApiResponse.error(503, "journal_unavailable", "sessions cannot be read: \(reason)"))
                return
            }
        }
        guard !matches.isEmpty else {
            responder.respond(ApiResponse.error(404, "not_found", "no API route \(request.path)"))
            return
        }
        guard let chosen = matches.first(where: { $0.entry.endpoint.method == request.method }) else {
            let allowed = matches.map(\.entry.endpoint.method).joined(separator: ", ")
            var response = ApiResponse.error(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path); use \(allowed)")
            response.headers.append(("Allow", allowed))
            responder.respond(response)
            return
        }
        switch chosen.entry.handler {
        case let .open(run):
            run(request, responder)
        case let .agent(run):
            guard let session else {
                responder.respond(ApiResponse.error(401, "no_session", "sign in first: POST /api/login"))
                return
            }
            if chosen.entry.endpoint.changesState {
                guard let presented = request.header(Self.csrfHeader) else {
                    responder.respond(ApiResponse.error(403, "csrf", "\(Self.csrfHeader) is missing; send the csrf_token from /api/login or /api/me"))
                    return
                }
                guard SessionToken.constantTimeEqual(presented, session.csrfToken) else {
                    responder.respond(ApiResponse.error(403, "csrf", "\(Self.csrfHeader) does not match this session's token"))
                    return
                }
            }
            run(ApiRequest(http: request, session: session, parameters: chosen.parameters), responder)
        }
    }

    /// The parameters if `path` fits `pattern`, segment by segment.
    static func match(_ pattern: String, _ path: String) -> [String: String]? {
        let wanted = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let given = path.split(separator: "/", omittingEmptySubsequences: false)
        guard wanted.count == given.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(wanted, given) {
            if expected.hasPrefix("{") && expected.hasSuffix("}") {
                guard !actual.isEmpty else { return nil }
                parameters[String(expected.dropFirst().dropLast())] = String(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
