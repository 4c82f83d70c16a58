import CallCore
import Runtime

/// The `/dev/…` routes, each there only when its feature is on: the sandbox's log and its
/// WhatsApp user (`graph_url = sandbox`), and call control (`[dev] call_control`). Off, a
/// `/dev/…` path is as unknown as any other: a stranger learns nothing of the feature.
struct DevRoutes {
    let sandbox: SandboxGraph?
    let calls: DevCallControl?

    /// nil when the path is none of these, for the caller's 404.
    func route(_ request: HTTPRequest) -> HTTPResponse? {
        switch (request.method, request.path) {
        case ("GET", "/dev/sandbox") where sandbox != nil:
            return .json(200, JSONWriter.encode(["requests": .array(sandbox?.recent ?? [])]))
        case ("POST", "/dev/sandbox/incoming-call") where sandbox != nil:
            return incomingCall(request)
        case ("POST", "/dev/sandbox/permission-reply") where sandbox != nil:
            return permissionReply(request)
        case (_, let path) where calls != nil && path.hasPrefix("/dev/calls/"):
            guard let calls else { return nil }
            guard DevCallControl.allows(request) else {
                return ErrorBody.response(403, "forbidden", "call control answers loopback clients only")
            }
            return calls.route(request)
        default:
            return nil
        }
    }

    /// What both sandbox routes read first: the sandbox, the JSON body, and the user it names
    /// (`from`, or the sandbox's own), or the refusal to answer with.
    private enum SandboxAsk {
        case user(SandboxGraph, body: JSONValue, PhoneNumber)
        case refused(HTTPResponse)
    }

    private func ask(_ request: HTTPRequest) -> SandboxAsk {
        guard DevCallControl.allows(request), let sandbox else {
            return .refused(ErrorBody.response(403, "forbidden", "the sandbox answers loopback clients only"))
        }
        let body = (try? JSONParser.parse(request.body)) ?? .object([])
        guard let user = PhoneNumber(body["from"]?.string ?? SandboxIdentity.caller) else {
            return .refused(ErrorBody.response(400, "bad_number", "'from' must be a phone number"))
        }
        return .user(sandbox, body: body, user)
    }

    /// The sandbox's WhatsApp user calls the business (`callbox simulate incoming-call`).
    private func incomingCall(_ request: HTTPRequest) -> HTTPResponse {
        switch ask(request) {
        case let .refused(response):
            return response
        case let .user(sandbox, body, caller):
            let id = sandbox.placeIncomingCall(from: caller.description, name: body["name"]?.string ?? "Sandbox User")
            return .json(200, JSONWriter.encode(["call": .string(id)]))
        }
    }

    /// The sandbox's WhatsApp user answers a permission request (`callbox simulate permission-reply`).
    private func permissionReply(_ request: HTTPRequest) -> HTTPResponse {
        let (sandbox, body, user): (SandboxGraph, JSONValue, PhoneNumber)
        switch ask(request) {
        case let .refused(response): return response
        case let .user(asked, json, who): (sandbox, body, user) = (asked, json, who)
        }
        guard let response = body["response"]?.string, response == "accept" || response == "reject" else {
            return ErrorBody.response(400, "bad_response", "'response' is accept or reject")
        }
        sandbox.replyToPermissionRequest(from: user.description, accept: response == "accept",
                                         permanent: body["permanent"]?.bool ?? false, requestID: nil)
        return .json(200, JSONWriter.encode(["from": .string(user.description), "response": .string(response)]))
    }
}
