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
    private let journal: Journal
    private let commands: CallCommands

    init(commands: CallCommands, journal: Journal) {
        self.commands = commands
        self.journal = journal
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
            return commands.command(parts[2]) { .decline($0) }
        case ("POST", 4, "hangup"?):
            return commands.command(parts[2]) { .hangup($0) }
        case ("POST", 4, "dtmf"?):
            guard let digits = body["digits"]?.string else { return ErrorBody.response(400, "bad_digits", "'digits' is a string") }
            return commands.sendDigits(digits, on: parts[2])
        case ("POST", 4, "mute"?):
            guard let muted = body["muted"]?.bool else { return ErrorBody.response(400, "bad_muted", "'muted' is true or false") }
            return commands.setMuted(muted, on: parts[2])
        default:
            return ErrorBody.response(404, "not_found", "no such route")
        }
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
        return commands.answer(key, by: answerer, sdp: sdp)
    }

    private func dial(_ body: JSONValue) -> HTTPResponse {
        guard let to = body["to"]?.string.flatMap({ WhatsAppUser(address: $0) }) else {
            return ErrorBody.response(400, "bad_number", "'to' must be a phone number, or the WhatsApp user id of a user without one")
        }
        if body["via"]?.string == "handset" { return commands.describe(commands.dialOnHandset(to)) }
        guard let sdp = body["sdp"]?.string, sdp.hasPrefix("v=0") else {
            return ErrorBody.response(400, "bad_sdp", "'sdp' must be the offer SDP text")
        }
        return commands.describe(commands.dial(to, by: .api, sdp: sdp))
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
