import Callbox
import CallCore
import Config
import Runtime
import WhatsApp

/// `callbox simulate`: plays Meta against a running box — correctly signed webhooks of the
/// shapes in the spec — and drives the box's call control, so a newcomer can watch a call
/// ring, be answered or missed, without a phone or a Meta account.
enum Simulate {
    static let usage = """
    usage: callbox simulate [--config FILE] WHAT
      incoming-call [--from NUMBER] [--name NAME]   a WhatsApp user calls (connect with an SDP offer)
      terminate CALL_ID [--status completed|failed] the call ends at Meta
      status CALL_ID ringing|accepted|rejected      a status for a business-initiated call
      message [--from NUMBER] TEXT                  a WhatsApp text message arrives
      permission-reply [--from NUMBER] accept|reject [--permanent]
      answer CALL_ID | decline CALL_ID | hangup CALL_ID   staff act on a call (needs [dev] call_control)
      dial NUMBER                                   place a business-initiated call (needs [dev] call_control
                                                    and the user's call permission: permission-reply accept)
    """

    static func main(_ arguments: [String]) -> Int32 {
        var options = Options(arguments)
        let path = options.value("--config")
        let written = options.value("--from") ?? SandboxIdentity.caller
        // Meta sends numbers as bare digits, however the user typed them.
        guard let from = PhoneNumber(written)?.description else {
            CommandLineTool.printError("callbox simulate: '\(written)' is not a phone number")
            return 2
        }
        let name = options.value("--name") ?? "Ana Ruiz"
        let status = options.value("--status") ?? "completed"
        let permanent = options.flag("--permanent")
        guard options.finish(allowing: 3), let what = options.positional.first else {
            CommandLineTool.printError(usage)
            return 2
        }
        if what == "help" {
            print(usage)
            return 0
        }
        guard let config = CommandLineTool.loadConfig(path) else { return 1 }
        let meta = FakeMeta(config: config)
        let words = Array(options.positional.dropFirst())

        switch (what, words.count) {
        case ("incoming-call", 0) where config.whatsapp.isSandbox:
            // The sandbox's own user calls, with a real WebRTC peer behind the offer.
            return meta.control("/dev/sandbox/incoming-call", ["from": .string(from), "name": .string(name)])
        case ("incoming-call", 0):
            let id = "wacid.SIM\(WallClock.milliseconds())"
            return meta.deliver(meta.incomingCall(id: id, from: from, name: name), describing: "incoming call \(id) from +\(from)")
        case ("terminate", 1):
            return meta.deliver(meta.terminate(id: words[0], status: status.uppercased()), describing: "terminate \(words[0])")
        case ("status", 2):
            return meta.deliver(meta.status(id: words[0], status: words[1].uppercased(), to: from), describing: "status \(words[1]) for \(words[0])")
        case ("message", 1):
            return meta.deliver(meta.text(from: from, body: words[0]), describing: "message from +\(from)")
        case ("permission-reply", 1) where config.whatsapp.isSandbox && (words[0] == "accept" || words[0] == "reject"):
            // The sandbox's Meta then reports the grant in call_permissions too.
            return meta.control("/dev/sandbox/permission-reply",
                                ["from": .string(from), "response": .string(words[0]), "permanent": .bool(permanent)])
        case ("permission-reply", 1) where words[0] == "accept" || words[0] == "reject":
            return meta.deliver(meta.permissionReply(from: from, accept: words[0] == "accept", permanent: permanent),
                                describing: "permission \(words[0]) from +\(from)")
        case ("answer", 1):
            return meta.control("/dev/calls/\(words[0])/answer", ["sdp": .string(SandboxSDP.businessAnswer), "via": "api"])
        case ("decline", 1), ("hangup", 1):
            return meta.control("/dev/calls/\(words[0])/\(what)", [:])
        case ("dial", 1):
            return meta.control("/dev/calls/dial", ["to": .string(words[0]), "sdp": .string(SandboxSDP.businessOffer)])
        default:
            CommandLineTool.printError(usage)
            return 2
        }
    }
}

/// Builds Meta-shaped deliveries for the configured business number and sends them.
struct FakeMeta {
    let baseURL: String
    let appSecret: [UInt8]
    let phoneNumberID: String
    let businessNumber: String

    init(config: LoadedConfig) {
        baseURL = Appliance.localURL(config)
        appSecret = Array(config.secrets.whatsappAppSecret.revealed.utf8)
        phoneNumberID = config.whatsapp.phoneNumberID ?? SandboxIdentity.phoneNumberID
        businessNumber = config.whatsapp.businessNumber ?? SandboxIdentity.businessNumber
    }

    private var now: JSONValue { .string(String(WallClock.milliseconds() / 1_000)) }

    func envelope(_ field: String, _ value: [JSONMember]) -> JSONValue {
        let members = [JSONMember("messaging_product", "whatsapp"),
                       JSONMember("metadata", ["display_phone_number": .string(businessNumber),
                                               "phone_number_id": .string(phoneNumberID)])] + value
        return ["object": "whatsapp_business_account",
                "entry": [["id": .string(SandboxIdentity.wabaID), "changes": [["field": .string(field), "value": .object(members)]]]]]
    }

    func incomingCall(id: String, from: String, name: String) -> JSONValue {
        envelope("calls", [
            JSONMember("contacts", [["profile": ["name": .string(name)], "wa_id": .string(from)]]),
            JSONMember("calls", [["id": .string(id), "from": .string(from), "to": .string(businessNumber), "event": "connect",
                                  "timestamp": now, "direction": "USER_INITIATED",
                                  "session": ["sdp_type": "offer", "sdp": .string(SandboxSDP.offer(sessionID: WallClock.milliseconds()))]]]),
        ])
    }

    func terminate(id: String, status: String) -> JSONValue {
        envelope("calls", [JSONMember("calls", [["id": .string(id), "to": .string(businessNumber), "event": "terminate",
                                                 "timestamp": now, "status": .string(status)]])])
    }

    func status(id: String, status: String, to: String) -> JSONValue {
        envelope("calls", [JSONMember("statuses", [["id": .string(id), "type": "call", "status": .string(status),
                                                    "timestamp": now, "recipient_id": .string(to)]])])
    }

    func text(from: String, body: String) -> JSONValue {
        envelope("messages", [
            JSONMember("contacts", [["profile": ["name": "Ana Ruiz"], "wa_id": .string(from)]]),
            JSONMember("messages", [["from": .string(from), "id": .string("wamid.SIM\(WallClock.milliseconds())"),
                                     "timestamp": now, "type": "text", "text": ["body": .string(body)]]]),
        ])
    }

    func permissionReply(from: String, accept: Bool, permanent: Bool) -> JSONValue {
        var reply: [JSONMember] = [JSONMember("response", .string(accept ? "accept" : "reject")),
                                   JSONMember("is_permanent", .bool(permanent)),
                                   JSONMember("response_source", "user_action")]
        if accept && !permanent {
            reply.append(JSONMember("expiration_timestamp", .integer(WallClock.milliseconds() / 1_000 + 7 * 86_400)))
        }
        return envelope("messages", [JSONMember("messages", [[
            "from": .string(from), "id": .string("wamid.SIMREPLY\(WallClock.milliseconds())"), "timestamp": now,
            "type": "interactive",
            "interactive": ["type": "call_permission_reply", "call_permission_reply": .object(reply)],
        ]])])
    }

    func deliver(_ payload: JSONValue, describing what: String) -> Int32 {
        let body = JSONWriter.encode(payload)
        let signature = WebhookSignature.sign(body: body, appSecret: appSecret)
        return exchange(HTTPClientRequest(method: "POST", url: baseURL + "/webhook", headers: [
            ("Content-Type", "application/json"), (WebhookSignature.headerName, signature),
        ], body: body), describing: what)
    }

    func control(_ path: String, _ body: JSONValue) -> Int32 {
        exchange(HTTPClientRequest(method: "POST", url: baseURL + path, headers: [("Content-Type", "application/json")],
                                   body: JSONWriter.encode(body)), describing: "POST \(path)")
    }

    private func exchange(_ request: HTTPClientRequest, describing what: String) -> Int32 {
        let loop = EventLoop()
        let client = HTTPClient(loop: loop)
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        client.send(request) { outcome = $0 }
        while outcome == nil { loop.runOnce(maximumWait: 100) }
        switch outcome {
        case let .success(response)?:
            let text = String(decoding: response.body, as: UTF8.self)
            print("\(what): HTTP \(response.status) \(text)")
            return (200..<300).contains(response.status) ? 0 : 1
        case let .failure(error)?:
            CommandLineTool.printError("\(what): \(error) (is the box running at \(baseURL)?)")
            return 1
        case nil:
            return 1
        }
    }
}
