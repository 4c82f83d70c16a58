// Messaging/ owns WhatsApp text: sending it, the conversation route, and matching each message
// to its HubSpot contact. It may use CRM/; API/ and Intake/ use it.

import CallCore
import Journal
import Runtime
import WhatsApp

/// `POST /api/whatsapp/send` and `GET /api/comms`: agents send WhatsApp text and read a
/// contact's conversation from the widget.
final class WhatsAppMessaging {
    /// Meta's limit on a text body (spec §7.3: ≤ 4096 characters). Counted in UTF-16 code
    /// units, as the widget's `maxlength` and `String.length` count: never fewer than Unicode
    /// characters, so anything accepted here is within Meta's limit however Meta counts.
    static let maxTextLength = 4_096
    /// Messages per `GET /api/comms` page when the widget does not say.
    static let defaultPageSize = 50
    /// The most a page holds, whatever `limit` asks (the journal's own cap).
    static let maxPageSize = CommsLog.maxPageSize
    /// Outbound rows start here: Meta's 200 only means accepted (spec §7.3). The `sent`,
    /// `delivered`, `read` and `failed` webhooks then move the row on (CommsStatusRank).
    static let acceptedStatus = "accepted"

    private let journal: Journal
    private let graph: GraphClient
    /// Nil when `[whatsapp] phone_number_id` is not set and the Graph API is Meta's: nothing
    /// can be sent, and sending says so with 503.
    private let number: BusinessNumber?
    private let now: () -> Instant
    private let log = Logger("messages")
    /// A text was sent and its row committed: the widgets' `message.new`, and matching the
    /// recipient to a HubSpot contact when the widget named none (`contactID` nil).
    let sent = Broadcast<(wamid: String, phone: PhoneNumber?, contactID: String?)>()
    /// Queues a sent text for HubSpot with its row; nil when HubSpot is not configured.
    private let hubSpotLog: HubSpotLog?

    init(journal: Journal, graph: GraphClient, number: BusinessNumber?, hubSpotLog: HubSpotLog? = nil,
         now: @escaping () -> Instant = { Instant(unixMilliseconds: WallClock.milliseconds()) }) {
        self.journal = journal
        self.hubSpotLog = hubSpotLog
        self.graph = graph
        self.number = number
        self.now = now
    }

    /// `POST /api/whatsapp/send` {to, message, contactId?} → 200 {wamid} once Meta accepted
    /// it and its row is in the log.
    func send(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let number else {
            responder.respond(ApiResponse.error(503, "whatsapp_not_configured",
                                                "WhatsApp sending is not configured: set [whatsapp] phone_number_id to the business number's id from Meta"))
            return
        }
        guard let body = try? JSONParser.parse(request.http.body), body.members != nil else {
            responder.respond(ApiResponse.error(400, "bad_json", "the body must be a JSON object {\"to\", \"message\", \"contactId\"?}"))
            return
        }
        guard let to = body["to"]?.string, let user = WhatsAppUser(address: to) else {
            responder.respond(ApiResponse.error(400, "bad_phone",
                                                "'to' must be a phone number in international form, e.g. +34 600 111 222, or a WhatsApp user id such as US.13491208655302741918"))
            return
        }
        guard let text = body["message"]?.string, !text.trimmed().isEmpty else {
            responder.respond(ApiResponse.error(400, "empty_message", "'message' must be a non-empty text"))
            return
        }
        guard text.utf16.count <= Self.maxTextLength else {
            responder.respond(ApiResponse.error(400, "message_too_long",
                                                "'message' is \(text.utf16.count) characters; WhatsApp allows \(Self.maxTextLength)"))
            return
        }
        // HubSpot ids are digits; the widget may pass one as a JSON number or a string.
        let contactID: String?
        switch body["contactId"] {
        case nil, .null?: contactID = nil
        case let value?:
            guard let id = value.string ?? value.int64.map({ String($0) }), !id.isEmpty else {
                responder.respond(ApiResponse.error(400, "bad_contact_id", "'contactId' must be the HubSpot contact id, a string or a number"))
                return
            }
            contactID = id
        }
        let agent = request.session.agent.name
        graph.sendMessage(GraphRequest.sendText(number, to: user, body: text)) { [weak self] result in
            guard let self else { return }
            switch result {
            case let .success(wamid):
                responder.respond(self.recorded(wamid: wamid, to: user, text: text, contactID: contactID, agent: agent))
            case let .failure(failure):
                self.log.warning("send refused", ["agent": agent, "error": "\(failure)"])
                responder.respond(Self.response(for: failure))
            }
        }
    }

    private func recorded(wamid: String, to user: WhatsAppUser, text: String, contactID: String?, agent: String) -> HTTPResponse {
        let at = now()
        var record = CommsRecord(CommsEntry.outboundText(to: user.phone?.description, userID: user.userID?.description,
                                                         body: text, wamid: wamid, at: at), at: at)
        record.hubspotContactID = contactID
        record.status = Self.acceptedStatus
        record.statusAt = at
        do {
            try recordSentText(record)
        } catch {
            // Meta has the message, so the agent must not resend it; the log lacks it.
            log.error("sent text not logged", ["wamid": wamid, "agent": agent, "error": "\(error)"])
            return ApiResponse.error(500, "not_logged", "WhatsApp accepted the message (\(wamid)) but the box could not log it: \(error)")
        }
        log.info("text sent", ["wamid": wamid, "agent": agent])
        sent.publish((wamid: wamid, phone: user.phone, contactID: contactID))
        return ApiResponse.json(200, ["wamid": .string(wamid)])
    }

    /// Everything a sent text leaves in the journal, committed together.
    func recordSentText(_ record: CommsRecord) throws {
        try journal.transaction {
            if try journal.comms.recordOutbound(record) { try hubSpotLog?.outboundMessageSent(record, at: record.sentAt) }
        }
    }

    /// Meta's refusals pass on Meta's own words; no answer at all is told apart from a refusal.
    static func response(for failure: GraphRequestFailure) -> HTTPResponse {
        switch failure {
        case let .graph(error) where error.kind == .windowClosed:
            let explanation = error.details.map { "\(error.message) (\($0))" } ?? error.message
            return ApiResponse.error(422, "window_closed",
                                     "the 24-hour customer service window is closed; only templates may be sent until the contact writes again. Meta: \(explanation)",
                                     quoting: "meta", quoted(error))
        case let .graph(error):
            return ApiResponse.error(502, "graph_refused", "WhatsApp refused the message: \(error.message)",
                                     quoting: "meta", quoted(error))
        case .transport(.timedOut):
            return ApiResponse.error(504, "graph_timeout",
                                     "WhatsApp did not answer in time; the message may still arrive, so check the conversation before resending")
        case let .transport(error):
            return ApiResponse.error(502, "graph_unreachable", "WhatsApp could not be reached: \(error)")
        }
    }

    private static func quoted(_ error: GraphError) -> JSONValue {
        ["http_status": .integer(Int64(error.httpStatus)), "code": error.code.map(JSONValue.integer) ?? .null,
         "subcode": error.subcode.map(JSONValue.integer) ?? .null, "message": .string(error.message),
         "details": error.details.map(JSONValue.string) ?? .null, "fbtrace_id": error.fbtraceID.map(JSONValue.string) ?? .null]
    }

    /// `GET /api/comms?phone=&after=&limit=` → {messages (oldest first), next}.
    func conversation(_ request: ApiRequest, _ responder: HTTPResponder) {
        guard let text = request.http.queryValue("phone"), let user = WhatsAppUser(address: text) else {
            responder.respond(ApiResponse.error(400, "bad_phone",
                                                "'phone' must be a phone number in international form, e.g. +34 600 111 222, or a WhatsApp user id such as US.13491208655302741918"))
            return
        }
        var cursor: Int64?
        if let after = request.http.queryValue("after") {
            guard let value = Int64(after), value >= 0 else {
                responder.respond(ApiResponse.error(400, "bad_cursor", "'after' must be the 'next' value of an earlier page"))
                return
            }
            cursor = value
        }
        var limit = Self.defaultPageSize
        if let asked = request.http.queryValue("limit") {
            guard let value = Int(asked), value >= 1 else {
                responder.respond(ApiResponse.error(400, "bad_limit", "'limit' must be a whole number from 1 to \(Self.maxPageSize)"))
                return
            }
            limit = min(value, Self.maxPageSize)
        }
        do {
            // A username user's messages are filed under their BSUID, followed through changes (spec §11.4).
            let party: CommsLog.Party = if let phone = user.phone { .phone(phone.description) } else {
                .contactKey(try journal.userIDChanges.current(for: user.key))
            }
            let page = try journal.comms.conversation(with: party, after: cursor, limit: limit)
            responder.respond(ApiResponse.json(200, [
                "messages": .array(page.records.map(Self.describe)),
                "next": page.nextCursor.map { .string(String($0)) } ?? .null,
            ]))
        } catch {
            responder.respond(ApiResponse.error(503, "journal_unavailable", "the log cannot be read: \(error)"))
        }
    }

    /// One message for the widget. Times are Unix milliseconds (UTC), as `Date(ms)` takes them.
    static func describe(_ record: CommsRecord) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let error: JSONValue = record.errorCode.map { ["code": .integer($0), "text": text(record.errorText)] } ?? .null
        return [
            "id": .string(record.id.map { String($0) } ?? ""), "wamid": .string(record.wamid),
            "direction": .string(record.direction), "type": .string(record.type), "body": text(record.body),
            "mime_type": text(record.mimeType), "caption": text(record.caption), "file_name": text(record.fileName),
            "status": text(record.status), "error": error,
            "contact_key": .string(record.contactKey), "phone": text(record.phone),
            // The seed's rule: a message no HubSpot contact is known for is `unknown:{phone}`
            // (`unknown:{user id}` for a username user), also before HubSpot has been asked.
            "hubspot_contact_id": .string(record.hubspotContactID ?? CommsContactLinker.unknownContact(record.phone ?? record.contactKey)),
            "sent_at_ms": .integer(record.sentAt.unixMilliseconds),
            "status_at_ms": record.statusAt.map { .integer($0.unixMilliseconds) } ?? .null,
            "updated_at_ms": .integer(record.updatedAt.unixMilliseconds),
        ]
    }
}
