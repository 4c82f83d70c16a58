// Sandbox/ owns the box without Meta: this fake Graph API, its WhatsApp user's phone with real
// media, and the /dev/… routes (the sandbox's, and call control). It may use API/ and Calls/;
// only Wiring/ uses it.

import CallCore
import Runtime
import WhatsApp

/// `graph_url = sandbox`: a fake Graph API inside the box, for demos and trials without a
/// Meta account. It checks each request as Meta would (`GraphCallActionRequest`), answers
/// with Meta's shapes after a short delay, keeps the last requests for `/dev/sandbox`, and
/// sends back the webhooks Meta would send (a terminate after reject/terminate; ringing,
/// the SDP answer and acceptance after connect), signed, through the box's own intake.
final class SandboxGraph: GraphTransport {
    /// Meta answers call actions in a few hundred milliseconds.
    static let answerDelayMilliseconds: Int64 = 150
    static let keptRequests = 50
    /// What the Graph client puts in front of each path when it talks to the sandbox.
    static let baseURL = "sandbox:"

    private let loop: EventLoop
    private let webhookURL: String
    /// The number the box is configured for: its webhooks must name it (spec §1.4).
    private let phoneNumberID: String
    private let businessNumber: String
    private let appSecret: [UInt8]
    /// Made on first use: an idle sandbox box need not load libcurl's TLS stack.
    private lazy var webhookClient = HTTPClient(loop: loop)
    private let log = Logger("sandbox-graph")
    private var nextCall = 1
    private var nextMessage = 1
    /// Meta refuses an accept whose SDP differs from the pre_accept's (spec §3.1).
    private var preAccepted: [String: String] = [:]
    private(set) var recent: [JSONValue] = []
    /// The user's phone, when the box has media (issue 3): real SDP and real audio.
    let phone: SandboxPhone?
    /// SDP offers of the box's outbound calls, for the phone to answer.
    private var offers: [String: String] = [:]
    /// Permissions the sandbox users granted, by user.
    private var grants: [String: Grant] = [:]
    private enum Grant {
        /// Expiry in Unix seconds.
        case temporary(Int64)
        case permanent
    }
    /// Meta §4.5: a temporary permission lasts 7 days.
    static let grantSeconds: Int64 = 7 * 86_400
    /// The sandbox user reads the request and taps "allow" after this long.
    static let replyDelayMilliseconds: Int64 = 1_000

    init(loop: EventLoop, webhookURL: String, appSecret: String, phoneNumberID: String, businessNumber: String,
         phone: SandboxPhone? = nil) {
        self.phone = phone
        self.loop = loop
        self.webhookURL = webhookURL
        self.appSecret = Array(appSecret.utf8)
        self.phoneNumberID = phoneNumberID
        self.businessNumber = businessNumber
    }

    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        let path = String(request.url.dropFirst(Self.baseURL.count))
        let (status, body, followUp) = answer(method: request.method, path: path,
                                              authorization: request.headers.first { $0.name == "Authorization" }?.value,
                                              body: request.body)
        loop.schedule(afterMilliseconds: Self.answerDelayMilliseconds) {
            completion(.success(HTTPClientResponse(status: status, body: body, headers: [("content-type", "application/json")])))
            followUp?()
        }
    }

    private func answer(method: String, path: String, authorization: String?, body: [UInt8])
        -> (Int, [UInt8], (() -> Void)?) {
        let parsed: GraphCallActionRequest
        do {
            parsed = try GraphCallActionRequest.parse(method: method, path: path, authorization: authorization, body: body)
        } catch {
            log.warning("refused as Meta would", ["path": path, "error": error.description])
            keep(["path": .string(path), "refused": .string(error.description)])
            return (error.httpStatus, error.envelope(fbtraceID: "Sandbox"), nil)
        }
        keep(["path": .string(path), "request": (try? JSONParser.parse(body)) ?? .null])
        switch parsed.operation {
        case let .connect(to, offerSDP, _):
            let id = "wacid.SANDBOX\(WallClock.milliseconds())\(nextCall)"
            nextCall += 1
            offers[id] = offerSDP
            log.info("connect", ["to": to, "call": id])
            return (200, JSONWriter.encode(["messaging_product": "whatsapp", "calls": [["id": .string(id)]]]),
                    { [weak self] in self?.playOutboundCall(id: id, to: to) })
        case let .preAccept(callID, answerSDP):
            log.info("pre_accept", ["call": callID])
            preAccepted[callID] = answerSDP
            return (200, Self.success, { [weak self] in self?.phone?.boxAnswered(callID, sdp: answerSDP) })
        case let .accept(callID, answerSDP, _):
            log.info("accept", ["call": callID])
            if let earlier = preAccepted.removeValue(forKey: callID), earlier != answerSDP {
                return (400, Self.errorEnvelope(code: 100, message: "Invalid parameter", details: "SDP mismatch with pre-accept"), nil)
            }
            return (200, Self.success, { [weak self] in
                self?.phone?.boxAnswered(callID, sdp: answerSDP)
                self?.phone?.connected(callID)
            })
        case let .reject(callID):
            log.info("reject", ["call": callID])
            return (200, Self.success, { [weak self] in
                self?.phone?.ended(callID)
                self?.deliver(self?.terminate(id: callID, status: "FAILED"))
            })
        case let .terminate(callID):
            log.info("terminate", ["call": callID])
            return (200, Self.success, { [weak self] in
                self?.phone?.ended(callID)
                self?.deliver(self?.terminate(id: callID, status: "COMPLETED"))
            })
        case let .sendText(to, _, _, _), let .callPermissionRequest(to, _):
            let id = "wamid.SANDBOX\(WallClock.milliseconds())\(nextMessage)"
            nextMessage += 1
            log.info("message", ["to": to, "wamid": id])
            var followUp: (() -> Void)?
            if case .callPermissionRequest = parsed.operation {
                followUp = { [weak self] in self?.acceptPermissionRequest(id, from: to) }
            }
            return (200, JSONWriter.encode(["messaging_product": "whatsapp",
                                            "contacts": [["input": .string(to), "wa_id": .string(to)]],
                                            "messages": [["id": .string(id)]]]), followUp)
        case let .callPermissionsQuery(user):
            var permission: JSONValue = ["status": "no_permission"]
            switch grants[user] {
            case .permanent?:
                permission = ["status": "permanent"]
            case let .temporary(expires)? where expires > WallClock.milliseconds() / 1_000:
                permission = ["status": "temporary", "expiration_time": .integer(expires)]
            default:
                break
            }
            return (200, JSONWriter.encode(["messaging_product": "whatsapp", "permission": permission, "actions": []]), nil)
        }
    }

    private static let success = JSONWriter.encode(["messaging_product": "whatsapp", "success": true])

    private static func errorEnvelope(code: Int64, message: String, details: String) -> [UInt8] {
        JSONWriter.encode(["error": ["message": .string("(#\(code)) \(message)"), "type": "OAuthException",
                                     "code": .integer(code), "error_data": ["messaging_product": "whatsapp", "details": .string(details)],
                                     "fbtrace_id": "Sandbox"]])
    }

    private func keep(_ entry: JSONValue) {
        recent.append(entry)
        if recent.count > Self.keptRequests { recent.removeFirst(recent.count - Self.keptRequests) }
    }

    /// What Meta does after `connect`: the user's phone rings, they pick up.
    private func playOutboundCall(id: String, to: String) {
        loop.schedule(afterMilliseconds: 500) { [weak self] in self?.deliver(self?.status(id: id, to: to, "RINGING")) }
        loop.schedule(afterMilliseconds: 2_000) { [weak self] in self?.deliver(self?.connectAnswer(id: id, to: to)) }
        loop.schedule(afterMilliseconds: 2_200) { [weak self] in
            self?.phone?.connected(id)
            self?.deliver(self?.status(id: id, to: to, "ACCEPTED"))
        }
    }

    /// The sandbox user reads the box's request and allows calls for 7 days.
    private func acceptPermissionRequest(_ wamid: String, from user: String) {
        loop.schedule(afterMilliseconds: Self.replyDelayMilliseconds) { [weak self] in
            self?.replyToPermissionRequest(from: user, accept: true, permanent: false, requestID: wamid)
        }
    }

    /// A sandbox user answers a permission request (`callbox simulate permission-reply`):
    /// Meta's reply webhook (spec §4.3), and the grant `call_permissions` reports from then on.
    func replyToPermissionRequest(from user: String, accept: Bool, permanent: Bool, requestID: String?) {
        var reply: [JSONMember] = [JSONMember("response", .string(accept ? "accept" : "reject")),
                                   JSONMember("is_permanent", .bool(accept && permanent)),
                                   JSONMember("response_source", "user_action")]
        if !accept {
            grants[user] = nil
        } else if permanent {
            grants[user] = .permanent
        } else {
            let expires = WallClock.milliseconds() / 1_000 + Self.grantSeconds
            grants[user] = .temporary(expires)
            reply.append(JSONMember("expiration_timestamp", .integer(expires)))
        }
        var message: [JSONMember] = [
            JSONMember("from", .string(user)), JSONMember("id", .string("wamid.SANDBOXREPLY\(WallClock.milliseconds())")),
            JSONMember("timestamp", nowText), JSONMember("type", "interactive"),
            JSONMember("interactive", ["type": "call_permission_reply", "call_permission_reply": .object(reply)]),
        ]
        if let requestID { message.append(JSONMember("context", ["from": .string(businessNumber), "id": .string(requestID)])) }
        deliver(envelope([
            JSONMember("contacts", [["profile": ["name": "Sandbox User"], "wa_id": .string(user)]]),
            JSONMember("messages", [.object(message)]),
        ], field: "messages"))
    }

    /// The sandbox user calls the business: Meta's connect webhook with the phone's offer
    /// (or, on a box without media, a Meta-shaped one). Returns the call id.
    func placeIncomingCall(from caller: String, name: String) -> String {
        let id = "wacid.SANDBOX\(WallClock.milliseconds())\(nextCall)"
        nextCall += 1
        let sdp = phone?.offer(for: id) ?? SandboxSDP.offer(sessionID: WallClock.milliseconds())
        deliver(envelope([
            JSONMember("contacts", [["profile": ["name": .string(name)], "wa_id": .string(caller)]]),
            JSONMember("calls", [["id": .string(id), "from": .string(caller), "to": .string(businessNumber),
                                  "event": "connect", "timestamp": nowText, "direction": "USER_INITIATED",
                                  "session": ["sdp_type": "offer", "sdp": .string(sdp)]]]),
        ]))
        return id
    }

    private func deliver(_ payload: JSONValue?) {
        guard let payload else { return }
        let body = JSONWriter.encode(payload)
        let signature = WebhookSignature.sign(body: body, appSecret: appSecret)
        webhookClient.send(HTTPClientRequest(method: "POST", url: webhookURL, headers: [
            ("Content-Type", "application/json"), (WebhookSignature.headerName, signature),
        ], body: body)) { [log] result in
            if case let .failure(error) = result { log.warning("webhook to the box failed", ["error": "\(error)"]) }
        }
    }

    private var nowText: JSONValue { .string(String(WallClock.milliseconds() / 1_000)) }

    private func envelope(_ value: [JSONMember], field: String = "calls") -> JSONValue {
        var members = [JSONMember("messaging_product", "whatsapp"),
                       JSONMember("metadata", ["display_phone_number": .string(businessNumber),
                                               "phone_number_id": .string(phoneNumberID)])]
        members += value
        return ["object": "whatsapp_business_account",
                "entry": [["id": .string(SandboxIdentity.wabaID), "changes": [["field": .string(field), "value": .object(members)]]]]]
    }

    private func status(id: String, to: String, _ status: String) -> JSONValue {
        envelope([JSONMember("statuses", [["id": .string(id), "type": "call", "status": .string(status),
                                           "timestamp": nowText, "recipient_id": .string(to)]])])
    }

    private func connectAnswer(id: String, to: String) -> JSONValue {
        let offer = offers.removeValue(forKey: id)
        let sdp = offer.flatMap { phone?.answer($0, for: id) } ?? SandboxSDP.answer
        return envelope([JSONMember("calls", [["id": .string(id), "from": .string(businessNumber), "to": .string(to),
                                               "event": "connect", "timestamp": nowText, "direction": "BUSINESS_INITIATED",
                                               "session": ["sdp_type": "answer", "sdp": .string(sdp)]]])])
    }

    private func terminate(id: String, status: String) -> JSONValue {
        envelope([JSONMember("calls", [["id": .string(id), "from": .string(businessNumber), "event": "terminate",
                                        "timestamp": nowText, "status": .string(status)]])])
    }
}
