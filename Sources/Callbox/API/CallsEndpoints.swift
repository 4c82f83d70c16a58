import CallCore
import Journal
import Runtime

/// `/api/calls/…`: the widget's call controls (issue 5 item 5). Call ids are the box's call
/// keys. One answer wins: answering a call someone else (a widget, the handset) already
/// took is 409 `already_answered`.
final class CallsEndpoints {
    /// How many call records `/api/calls/recent` returns without `?limit=`, and at most.
    static let defaultRecentLimit = 20
    static let maxRecentLimit = 200

    private let calls: CallController
    private let commands: CallCommands
    private let feed: CallEventFeed
    private let journal: Journal
    /// `[agent NAME]` → index for `Answerer.browser(agent:)`.
    private let agentIndex: [String: UInt8]
    /// Initiates answered once Meta names the call.
    private var dialing: [CallHandle: HTTPResponder] = [:]
    /// Hears what the widget tells of HubSpot's engagement for a call (the logging hand-off).
    private let widgetLog: WidgetCallLog?

    init(calls: CallController, commands: CallCommands, feed: CallEventFeed, journal: Journal, agentNames: [String],
         widgetLog: WidgetCallLog? = nil) {
        self.calls = calls
        self.widgetLog = widgetLog
        self.commands = commands
        self.feed = feed
        self.journal = journal
        var index: [String: UInt8] = [:]
        for (position, name) in agentNames.enumerated() where position <= Int(UInt8.max) && index[name] == nil {
            index[name] = UInt8(position)
        }
        agentIndex = index
        calls.stateChanges.subscribe { [weak self] in self?.stateChanged($0) }
    }

    // MARK: routes

    func initiate(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder) else { return }
        guard let to = body["to"]?.string.flatMap({ WhatsAppUser(address: $0) }) else {
            return responder.respond(ApiResponse.error(400, "bad_number", "'to' must be a phone number, or the WhatsApp user id of a user without one"))
        }
        let placement: CallCommands.Placement
        switch body["via"]?.string ?? "browser" {
        case "handset":
            placement = commands.dialOnHandset(to)
        case "browser":
            guard let sdp = Self.sdp(body) else {
                return responder.respond(ApiResponse.error(400, "bad_sdp", "'sdp' must be the browser's offer SDP text"))
            }
            guard let agent = browser(request) else {
                return responder.respond(ApiResponse.error(409, "no_agent_slot", "this agent cannot hold browser calls"))
            }
            placement = commands.dial(to, by: agent, sdp: sdp)
        case let other:
            return responder.respond(ApiResponse.error(400, "bad_via", "'via' is browser or handset, not '\(other)'"))
        }
        // The widget names the call by Meta's id from the start: the answer waits for
        // `connect` to return (or fail, or time out), which ends `dialing`.
        if case let .placed(handle) = placement, calls.table.slot(handle)?.state.name == .dialing {
            dialing[handle] = responder
            return
        }
        responder.respond(Self.api(commands.describe(placement)))
    }

    /// A call's state changed: an initiate waiting for Meta's call id is answered.
    func stateChanged(_ change: CallStateChange) {
        guard change.state != .dialing, let responder = dialing.removeValue(forKey: change.handle) else { return }
        responder.respond(ApiResponse.json(200, ["call": .string(change.key), "state": .string(change.state.rawValue)]))
    }

    func answer(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder), let key = request.parameters["id"] else { return }
        let via = body["via"]?.string ?? "browser"
        guard via == "browser" || via == "handset" else {
            return responder.respond(ApiResponse.error(400, "bad_via", "'via' is browser or handset, not '\(via)'"))
        }
        let sdp = Self.sdp(body)
        if via == "browser" && sdp == nil {
            return responder.respond(ApiResponse.error(400, "bad_sdp", "'sdp' must be the browser's answer SDP text"))
        }
        if let refusal = answerRefusal(key) { return responder.respond(refusal) }
        if via == "handset" { return responder.respond(Self.api(commands.answerOnHandset(key))) }
        guard let agent = browser(request), let sdp else {
            return responder.respond(ApiResponse.error(409, "no_agent_slot", "this agent cannot hold browser calls"))
        }
        responder.respond(Self.api(commands.answer(key, by: agent, sdp: sdp)))
    }

    func reject(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let key = request.parameters["id"] else { return }
        responder.respond(Self.api(commands.command(key) { .decline($0) }))
    }

    func end(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder) else { return }
        guard let key = body["call"]?.string, !key.isEmpty else {
            return responder.respond(ApiResponse.error(400, "bad_call", "'call' is the call's id"))
        }
        responder.respond(Self.api(commands.command(key) { .hangup($0) }))
    }

    func dtmf(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder), let key = request.parameters["id"] else { return }
        guard let digits = body["digits"]?.string, !digits.isEmpty else {
            return responder.respond(ApiResponse.error(400, "bad_digits", "'digits' is a string of 0-9 * # A-D"))
        }
        responder.respond(Self.api(commands.sendDigits(digits, on: key)))
    }

    func mute(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder), let key = request.parameters["id"] else { return }
        guard let muted = body["muted"]?.bool else {
            return responder.respond(ApiResponse.error(400, "bad_muted", "'muted' is true or false"))
        }
        responder.respond(Self.api(commands.setMuted(muted, on: key)))
    }

    func status(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let key = request.parameters["id"] else { return }
        do {
            guard let status = try describe(key) else {
                return responder.respond(ApiResponse.error(404, "unknown_call", "no call \(key)"))
            }
            responder.respond(ApiResponse.json(200, status))
        } catch {
            responder.respond(ApiResponse.error(503, "journal_unavailable", "\(error)"))
        }
    }

    func recent(_ request: ApiRequest, _ responder: HTTPResponder) {
        var limit = Self.defaultRecentLimit
        if let text = request.http.queryValue("limit") {
            guard let asked = Int(text), asked > 0 else {
                return responder.respond(ApiResponse.error(400, "bad_limit", "'limit' is a positive number"))
            }
            limit = min(asked, Self.maxRecentLimit)
        }
        do {
            var live: [JSONValue] = []
            var liveKeys: [String] = []
            calls.table.forEachLiveCall { slot in
                if let key = calls.key(of: slot.handle) { liveKeys.append(key) }
            }
            for key in liveKeys { if let status = try describe(key) { live.append(status) } }
            let recent = try journal.callRecords.recentCalls(limit: limit).compactMap { try describe($0.callId) }
            responder.respond(ApiResponse.json(200, ["live": .array(live), "recent": .array(recent)]))
        } catch {
            responder.respond(ApiResponse.error(503, "journal_unavailable", "\(error)"))
        }
    }

    func engagement(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder), let key = request.parameters["id"] else { return }
        guard let engagement = Self.engagementID(body["engagementId"]) else {
            return responder.respond(ApiResponse.error(400, "bad_engagement", "'engagementId' is HubSpot's engagement id"))
        }
        respondToLog(key, responder) { try $0.engagementCreated(call: key, engagementID: engagement) }
    }

    func completed(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let body = Self.body(request, responder), let key = request.parameters["id"] else { return }
        let engagement = Self.engagementID(body["engagementId"])
        if body["engagementId"] != nil, body["engagementId"] != .null, engagement == nil {
            return responder.respond(ApiResponse.error(400, "bad_engagement", "'engagementId' is HubSpot's engagement id"))
        }
        respondToLog(key, responder) { try $0.completedByWidget(call: key, engagementID: engagement) }
    }

    private func respondToLog(_ key: String, _ responder: HTTPResponder, _ act: (WidgetCallLog) throws -> Void) {
        do {
            guard try calls.handle(forKey: key) != nil || journal.callSessions.session(callKey: key) != nil else {
                return responder.respond(ApiResponse.error(404, "unknown_call", "no call \(key)"))
            }
            if let widgetLog { try act(widgetLog) }
            responder.respond(ApiResponse.json(200, ["call": .string(key), "logged_by_box": .bool(widgetLog != nil)]))
        } catch {
            responder.respond(ApiResponse.error(503, "journal_unavailable", "\(error)"))
        }
    }

    // MARK: helpers

    /// Why this answer cannot be taken: someone else answered, or the call is past ringing.
    private func answerRefusal(_ key: String) -> HTTPResponse? {
        if let reference = commands.reference(key), let slot = referenceSlot(reference) {
            if slot.state.name == .ringing { return nil }
            if slot.answerer != nil { return alreadyAnswered(key, by: slot.answerer) }
            return ApiResponse.error(409, "not_ringing", "the call is \(slot.state.name.rawValue), not ringing")
        }
        if let record = try? journal.callRecords.call(id: key) {
            if let by = record.answeredBy { return alreadyAnswered(key, by: Answerer(journalName: by)) }
            return ApiResponse.error(409, "not_ringing", "the call is over (\(record.outcome))")
        }
        return ApiResponse.error(404, "unknown_call", "no live call \(key)")
    }

    private func alreadyAnswered(_ key: String, by answerer: Answerer?) -> HTTPResponse {
        ApiResponse.json(409, ["error": ["code": "already_answered", "message": .string("someone else answered \(key)"),
                                         "answered_by": feed.answererName(answerer),
                                         "agent": feed.agentName(of: answerer).map(JSONValue.string) ?? .null]])
    }

    private func referenceSlot(_ reference: CallRef) -> CallSlot? {
        switch reference {
        case let .id(id): calls.table.slot(for: id)
        case let .handle(handle): calls.table.slot(handle)
        }
    }

    private func browser(_ request: ApiRequest) -> Answerer? {
        agentIndex[request.session.agent.name].map { .browser(agent: $0) }
    }

    /// The contract's status object; nil when the box never knew the call.
    func describe(_ key: String) throws -> JSONValue? {
        let session = try journal.callSessions.session(callKey: key)
        let record = try journal.callRecords.call(id: key)
        let handle = calls.handle(forKey: key)
        let slot = handle.flatMap { calls.table.slot($0) }
        guard session != nil || record != nil || slot != nil else { return nil }
        let journaled = try journal.callJournal.transitions(callKey: key).last?.toState
        let state = slot?.state.name.rawValue ?? journaled
        let answerer = slot?.answerer ?? (record?.answeredBy ?? session?.answerer).flatMap(Answerer.init(journalName:))
        let contact = handle.flatMap { feed.contacts[$0] }
        func millis(_ instant: Instant?) -> JSONValue { instant.map { .integer($0.unixMilliseconds) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "call": .string(key), "state": text(state), "direction": text(slot?.direction.rawValue ?? session?.direction ?? record?.direction),
            "remote": text(slot?.remote.description ?? session?.remoteNumber ?? record?.remoteNumber ?? session?.remoteUserId),
            "user_id": text(slot?.remote.userID?.description ?? session?.remoteUserId ?? record?.remoteUserID),
            "username": text(session?.remoteUsername),
            "meta_errors": CallEventFeed.metaErrors(try journal.callReports.errors(callID: key)),
            "caller_name": text(contact?.name ?? handle.flatMap { calls.callerNames[$0] }), "contact": CallEventFeed.contactJSON(contact),
            "offer_sdp": text(session?.offerSDP), "answer_sdp": text(session?.answerSDP),
            "answered_by": feed.answererName(answerer), "agent": text(feed.agentName(of: answerer)),
            "offered_at_ms": millis(slot?.offeredAt ?? session?.offeredAt ?? record?.offeredAt),
            "answered_at_ms": millis(slot?.answeredAt ?? record?.answeredAt), "ended_at_ms": millis(record?.endedAt),
            "outcome": text(record?.outcome), "duration_ms": record.map { .integer($0.duration.milliseconds) } ?? .null,
            "quality": text(record?.quality),
        ]
    }

    private static func body(_ request: ApiRequest, _ responder: HTTPResponder) -> JSONValue? {
        let parsed = request.http.body.isEmpty ? JSONValue.object([]) : (try? JSONParser.parse(request.http.body))
        guard let parsed, parsed.members != nil else {
            responder.respond(ApiResponse.error(400, "bad_json", "the body must be a JSON object"))
            return nil
        }
        return parsed
    }

    private static func sdp(_ body: JSONValue) -> String? {
        guard let sdp = body["sdp"]?.string, sdp.hasPrefix("v=0") else { return nil }
        return sdp
    }

    /// HubSpot's engagement ids are numbers; the SDK hands them over as number or text.
    private static func engagementID(_ value: JSONValue?) -> String? {
        if let number = value?.int64, number > 0 { return "\(number)" }
        if let text = value?.string, !text.isEmpty, text.allSatisfy(\.isNumber) { return text }
        return nil
    }

    /// A shared command's answer with the API's no-store header.
    private static func api(_ response: HTTPResponse) -> HTTPResponse {
        var answered = response
        answered.headers.append(ApiResponse.noStore)
        return answered
    }
}
