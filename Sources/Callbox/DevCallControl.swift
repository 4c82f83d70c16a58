import CallCore
import Journal
import Runtime

/// `/dev/calls/…` (with `[dev] call_control = on`, loopback clients only): the programmatic
/// answer / decline / hang-up / dial that tests and `callbox simulate` use before the desk
/// handset and the widget exist, and that stays as the way to script a box.
///
///     POST /dev/calls/{call}/answer   {"sdp": "...", "via": "api" | "handset" | "browser"}
///     POST /dev/calls/{call}/decline
///     POST /dev/calls/{call}/hangup
///     POST /dev/calls/dial            {"to": "34600111222", "sdp": "..."}  → {"call": key}, or 422
///                                     naming the permission rule that refuses the call
///                                     {"to": "34600111222", "via": "handset"}: the box offers
///     POST /dev/calls/{call}/dtmf     {"digits": "123#"}: RFC 4733 from the handset's call
///     POST /dev/calls/{call}/mute     {"muted": true}: the handset's microphone
///     GET  /dev/calls/{call}          the call's state and SDPs
final class DevCallControl {
    private let calls: CallController
    private let journal: Journal
    private let businessNumber: PhoneNumber
    private let handset: HandsetController?

    init(calls: CallController, journal: Journal, businessNumber: PhoneNumber, handset: HandsetController?) {
        self.calls = calls
        self.journal = journal
        self.businessNumber = businessNumber
        self.handset = handset
    }

    static func allows(_ request: HTTPRequest) -> Bool {
        request.remoteAddress == "127.0.0.1" || request.remoteAddress == "::1"
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "dev", parts[1] == "calls" else {
            return ErrorBody.response(404, "not_found", "no such route")
        }
        let body = request.body.isEmpty ? JSONValue.object([]) : (try? JSONParser.parse(request.body))
        guard let body, body.members != nil else { return ErrorBody.response(400, "bad_json", "the body must be a JSON object") }

        switch (request.method, parts.count, parts.count == 4 ? parts[3] : nil) {
        case ("POST", 3, _) where parts[2] == "dial":
            return dial(body)
        case ("GET", 3, _):
            return describe(parts[2])
        case ("POST", 4, "answer"?):
            return answer(parts[2], body)
        case ("POST", 4, "decline"?):
            return command(parts[2]) { .decline($0) }
        case ("POST", 4, "hangup"?):
            return command(parts[2]) { .hangup($0) }
        case ("POST", 4, "dtmf"?):
            guard let digits = body["digits"]?.string else { return ErrorBody.response(400, "bad_digits", "'digits' is a string") }
            return handsetCall(parts[2]) { $0.send(digits: digits, on: $1) ? nil : "the call has no telephone-event, or a character is not 0-9 * # A-D" }
        case ("POST", 4, "mute"?):
            guard let muted = body["muted"]?.bool else { return ErrorBody.response(400, "bad_muted", "'muted' is true or false") }
            return handsetCall(parts[2]) { $0.setMuted(muted, on: $1) ? nil : "not on the handset" }
        default:
            return ErrorBody.response(404, "not_found", "no such route")
        }
    }

    private func reference(_ key: String) -> CallRef? {
        if let id = CallId(key), calls.table.slot(for: id) != nil { return .id(id) }
        return calls.handle(forKey: key).map(CallRef.handle)
    }

    private func answer(_ key: String, _ body: JSONValue) -> HTTPResponse {
        guard let sdp = body["sdp"]?.string, sdp.hasPrefix("v=0") else {
            return ErrorBody.response(400, "bad_sdp", "'sdp' must be the answer SDP text")
        }
        let answerer: Answerer
        switch body["via"]?.string ?? "api" {
        case "api": answerer = .api
        case "handset": answerer = .handset
        case "browser": answerer = .browser(agent: 0)
        case let other: return ErrorBody.response(400, "bad_via", "'via' is api, handset or browser, not '\(other)'")
        }
        guard let call = reference(key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        return outcome(calls.handleNow(.answer(call, answerer), session: .answered(by: answerer, answerSDP: sdp)), key)
    }

    /// An action on the call the handset holds; `act` returns why it could not, or nil.
    private func handsetCall(_ key: String, _ act: (HandsetController, CallHandle) -> String?) -> HTTPResponse {
        guard let handset else { return ErrorBody.response(409, "no_handset", "this box has no handset ([box] board)") }
        guard let handle = calls.handle(forKey: key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        if let problem = act(handset, handle) { return ErrorBody.response(409, "refused", problem) }
        return .json(200, JSONWriter.encode(["call": .string(key)]))
    }

    private func command(_ key: String, _ event: (CallRef) -> CallEvent) -> HTTPResponse {
        guard let call = reference(key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        return outcome(calls.handleNow(event(call)), key)
    }

    private func dial(_ body: JSONValue) -> HTTPResponse {
        guard let to = body["to"]?.string.flatMap(PhoneNumber.init) else {
            return ErrorBody.response(400, "bad_number", "'to' must be a phone number")
        }
        if body["via"]?.string == "handset" {
            guard let handset else { return ErrorBody.response(409, "no_handset", "this box has no handset ([box] board)") }
            let result = handset.dial(to)
            if let refusal = result.permission { return PermissionEndpoints.refused(refusal, byMeta: false) }
            guard let handle = result.handle, result.refusal == nil else {
                return ErrorBody.response(409, result.refusal?.reason.rawValue ?? "handset_busy", "the handset cannot place the call now")
            }
            return .json(200, JSONWriter.encode(["call": .string(calls.key(of: handle) ?? CallKey.local(handle))]))
        }
        guard let sdp = body["sdp"]?.string, sdp.hasPrefix("v=0") else {
            return ErrorBody.response(400, "bad_sdp", "'sdp' must be the offer SDP text")
        }
        let result = calls.handleNow(.dial(Dial(to: to, from: businessNumber, by: .api)),
                                     session: SessionChange.opened(direction: .outbound, remote: to, business: businessNumber,
                                                      offeredAt: Instant(unixMilliseconds: WallClock.milliseconds()),
                                                      offerSDP: sdp, callerName: nil))
        if let refusal = result.permission { return PermissionEndpoints.refused(refusal, byMeta: false) }
        guard let handle = result.handle, result.refusal == nil else {
            return ErrorBody.response(409, result.refusal?.reason.rawValue ?? "refused", "the call cannot be placed now")
        }
        return .json(200, JSONWriter.encode(["call": .string(calls.key(of: handle) ?? CallKey.local(handle))]))
    }

    private func outcome(_ result: CallEventResult, _ key: String) -> HTTPResponse {
        if let refusal = result.refusal {
            return ErrorBody.response(409, refusal.reason.rawValue,
                                      "\(refusal.event.rawValue) refused in state \(refusal.state.map { $0.name.rawValue } ?? "-")")
        }
        let state = result.handle.flatMap { calls.table.slot($0)?.state.name.rawValue } ?? "ended"
        return .json(200, JSONWriter.encode(["call": .string(key), "state": .string(state)]))
    }

    private func describe(_ key: String) -> HTTPResponse {
        guard let session = try? journal.callSessions.session(callKey: key) else {
            return ErrorBody.response(404, "unknown_call", "no call \(key)")
        }
        let state = (try? journal.callJournal.transitions(callKey: key).last?.toState) ?? nil
        return .json(200, JSONWriter.encode([
            "call": .string(key), "state": state.map(JSONValue.string) ?? .null,
            "direction": .string(session.direction), "remote_number": session.remoteNumber.map(JSONValue.string) ?? .null,
            "answerer": session.answerer.map(JSONValue.string) ?? .null,
            "offer_sdp": session.offerSDP.map(JSONValue.string) ?? .null,
            "answer_sdp": session.answerSDP.map(JSONValue.string) ?? .null,
        ]))
    }
}
