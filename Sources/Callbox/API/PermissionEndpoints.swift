import CallCore
import Runtime
import WhatsApp

/// The call-permission routes' HTTP side, for the widget:
///
///     GET  /api/permissions/status/{phone}            the ledger's view
///     POST /api/permissions/request   {"phone", "body"?}  send the permission request
///     POST /api/permissions/validate  {"phone"}        may a call be placed now (asks Meta)
///
/// Status and validate answer 200 with `allowed`, `rule`, `message` and `next_allowed_at`
/// for a call now, and the same four under `request`; a refused request is 422 naming
/// its rule. Bad input is 400; Meta's failures as for sending a text (422 window closed,
/// 502, or 504 when it did not answer).
struct PermissionEndpoints {
    /// WhatsApp interactive messages: `body.text` is at most 1024 characters.
    static let maximumBodyLength = 1024

    let permissions: CallPermissions

    // MARK: routes (`ApiHandler.agent`)

    func status(_ request: ApiRequest, _ responder: HTTPResponder) {
        responder.respond(status(phone: request.parameters["phone"] ?? ""))
    }

    func request(_ request: ApiRequest, _ responder: HTTPResponder) {
        self.request(request.http) { responder.respond($0) }
    }

    func validate(_ request: ApiRequest, _ responder: HTTPResponder) {
        validate(request.http) { responder.respond($0) }
    }

    // MARK: answers

    func status(phone text: String) -> HTTPResponse {
        guard let user = WhatsAppUser(address: text) else { return Self.badPhone }
        do {
            return ApiResponse.json(200, Self.json(try permissions.status(user)))
        } catch {
            return ApiResponse.error(503, "journal_unavailable", "\(error)")
        }
    }

    func request(_ request: HTTPRequest, respond: @escaping (HTTPResponse) -> Void) {
        guard let body = Self.object(request.body) else { return respond(Self.badJSON) }
        guard let user = Self.user(in: body) else { return respond(Self.badPhone) }
        let text = body["body"]?.string
        if body["body"] != nil, body["body"] != .null, text == nil {
            return respond(ApiResponse.error(400, "bad_body", "'body' is the request's text, a string"))
        }
        if let text, text.isEmpty || text.count > Self.maximumBodyLength {
            return respond(ApiResponse.error(400, "bad_body", "'body' must be 1 to \(Self.maximumBodyLength) characters"))
        }
        permissions.request(user, bodyText: text) { outcome in
            switch outcome {
            case let .sent(wamid, status):
                respond(ApiResponse.json(200, .object([JSONMember("wamid", .string(wamid))] + (Self.json(status).members ?? []))))
            case let .refused(refusal, byMeta, status):
                respond(Self.refused(refusal, byMeta: byMeta, status: status))
            case let .failed(failure):
                respond(WhatsAppMessaging.response(for: failure))
            case .notConfigured:
                respond(ApiResponse.error(503, "whatsapp_not_configured",
                                          "WhatsApp sending is not configured: set [whatsapp] phone_number_id to the business number's id from Meta"))
            case let .journalFailed(why):
                respond(ApiResponse.error(503, "journal_unavailable", why))
            }
        }
    }

    func validate(_ request: HTTPRequest, respond: @escaping (HTTPResponse) -> Void) {
        guard let body = Self.object(request.body) else { return respond(Self.badJSON) }
        guard let user = Self.user(in: body) else { return respond(Self.badPhone) }
        permissions.validate(user) { result in
            switch result {
            case let .success(status): respond(ApiResponse.json(200, Self.json(status)))
            case let .failure(error): respond(ApiResponse.error(503, "journal_unavailable", "\(error)"))
            }
        }
    }

    // MARK: JSON

    /// `phone` (a phone, or a BSUID for a user without one) or `user_id`.
    static func user(in body: JSONValue) -> WhatsAppUser? {
        if let id = body["user_id"]?.string, let userID = BSUID(id) {
            return WhatsAppUser(phone: body["phone"]?.string.flatMap(PhoneNumber.init), userID: userID)
        }
        return body["phone"]?.string.flatMap { WhatsAppUser(address: $0) }
    }

    static func json(_ status: PermissionStatus) -> JSONValue {
        var members = decision(status.call)
        members += [
            JSONMember("phone", status.user.phone.map { .string($0.description) } ?? .null),
            JSONMember("user_id", status.user.userID.map { .string($0.description) } ?? .null),
            JSONMember("contact_key", .string(status.contactKey)),
            JSONMember("state", .string(status.record.state.name.rawValue)),
            JSONMember("expires_at", time(status.record.state.expires)),
            JSONMember("consecutive_unanswered", .integer(Int64(status.record.consecutiveUnanswered))),
            JSONMember("request", .object(decision(status.request))),
        ]
        switch status.meta {
        case .notAsked:
            members.append(JSONMember("checked_with_meta", false))
        case .agreed:
            members.append(JSONMember("checked_with_meta", true))
        case let .corrected(from):
            members += [JSONMember("checked_with_meta", true), JSONMember("corrected_from", .string(from.name.rawValue))]
        case let .unavailable(why):
            members += [JSONMember("checked_with_meta", false), JSONMember("meta_unavailable", .string(why.description))]
        }
        members.append(JSONMember("history", .array(status.history.map { entry in
            ["at": time(entry.at), "from": .string(entry.fromState), "to": .string(entry.toState),
             "reason": .string(entry.reason), "source": .string(entry.source)]
        })))
        return .object(members)
    }

    private static func decision(_ decision: PermissionDecision) -> [JSONMember] {
        guard let refusal = decision.refusal else {
            return [JSONMember("allowed", true), JSONMember("rule", .null), JSONMember("message", .null),
                    JSONMember("next_allowed_at", .null)]
        }
        return [JSONMember("allowed", false), JSONMember("rule", .string(refusal.rule.rawValue)),
                JSONMember("message", .string(message(refusal))), JSONMember("next_allowed_at", time(refusal.nextAllowed))]
    }

    /// 422 naming the rule (DESIGN §5: refused by a rule), with when it lifts.
    static func refused(_ refusal: PermissionRefusal, byMeta: Bool, status: PermissionStatus? = nil) -> HTTPResponse {
        var error: [JSONMember] = [
            JSONMember("code", .string(refusal.rule.rawValue)), JSONMember("message", .string(message(refusal))),
            JSONMember("rule", .string(refusal.rule.rawValue)), JSONMember("next_allowed_at", time(refusal.nextAllowed)),
            JSONMember("refused_by", .string(byMeta ? "meta" : "box")),
        ]
        if let status { error.append(JSONMember("status", json(status))) }
        return ApiResponse.json(422, ["error": .object(error)])
    }

    /// The rule's sentence, with the time it lifts when there is one.
    static func message(_ refusal: PermissionRefusal) -> String {
        guard let next = refusal.nextAllowed else { return refusal.rule.sentence }
        return refusal.rule.sentence + " Next allowed at " + TimeText.format(next) + "."
    }

    static func time(_ instant: Instant?) -> JSONValue {
        instant.map { .string(TimeText.iso8601($0)) } ?? .null
    }

    private static func object(_ body: [UInt8]) -> JSONValue? {
        guard let value = try? JSONParser.parse(body), value.members != nil else { return nil }
        return value
    }

    private static let badJSON = ApiResponse.error(400, "bad_json", "the body must be a JSON object")
    private static let badPhone = ApiResponse.error(400, "bad_phone", "'phone' must be a phone number in international form, e.g. +34 600 111 222")
}
