import CallCore
import Journal
import Runtime
import WhatsApp

/// `GET /webhook` and `POST /webhook` (spec §1). A signed delivery is answered 200 only
/// once its raw body is committed to the inbox. Deliveries that arrive together are
/// committed together — one fsync for the whole batch — just before the loop sleeps.
final class WebhookIntake {
    private let journal: Journal
    private let appSecret: [UInt8]
    private let verifyToken: String
    private let log = Logger("webhook")
    private var batch: [(body: [UInt8], responder: HTTPResponder)] = []
    /// Told after each commit, with the committed deliveries, so processing starts once the
    /// answers are on their way without reading the bodies back from the database.
    var onCommitted: (([(id: Int64, body: [UInt8])]) -> Void)?
    let received: Metrics.Family

    private let budget: JournalBudget

    init(journal: Journal, budget: JournalBudget, appSecret: String, verifyToken: String, metrics: Metrics) {
        self.journal = journal
        self.budget = budget
        self.appSecret = Array(appSecret.utf8)
        self.verifyToken = verifyToken
        received = metrics.counter("callbox_webhooks_total", "Webhook POSTs by outcome: accepted (committed), rejected (bad signature), unavailable (inbox could not commit), full (journal at [box] max_database_size).", labels: ["outcome"])
        for outcome in ["accepted", "rejected", "unavailable", "full"] { received.increment(outcome, by: 0) }
    }

    func verify(_ request: HTTPRequest) -> HTTPResponse {
        guard let challenge = WebhookVerification.respond(query: request.query, verifyToken: verifyToken) else {
            log.warning("webhook verification refused", ["from": request.remoteAddress])
            return .text(403, "verification refused")
        }
        log.notice("webhook verified by Meta")
        return .text(200, challenge)
    }

    func receive(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let check = WebhookSignature.verify(body: request.body, header: request.header(WebhookSignature.headerName), appSecret: appSecret)
        guard check == .valid else {
            received.increment("rejected")
            log.warning("webhook refused: signature \(check)", ["from": request.remoteAddress, "bytes": "\(request.body.count)"])
            responder.respond(ErrorBody.response(401, "bad_signature", "X-Hub-Signature-256 is \(check)"))
            return
        }
        batch.append((request.body, responder))
    }

    /// The loop's preparation step: commit what arrived in this turn, then answer it.
    func commitBatch() -> Int64? {
        guard !batch.isEmpty else { return nil }
        let deliveries = batch
        batch.removeAll(keepingCapacity: true)
        budget.refresh()
        guard budget.level != .full else {
            // Meta retries for days; a refusal now loses nothing, a full card would.
            received.increment("full", by: Double(deliveries.count))
            var refusal = ErrorBody.response(503, "journal_full", "the journal is at its size budget ([box] max_database_size); retry later")
            refusal.headers.append(("Retry-After", "300"))
            for delivery in deliveries { delivery.responder.respond(refusal) }
            return nil
        }
        do {
            let bodies = deliveries.map(\.body)
            let ids = try journal.inbox.append(deliveries: bodies, receivedAt: Instant(unixMilliseconds: WallClock.milliseconds()))
            received.increment("accepted", by: Double(deliveries.count))
            for delivery in deliveries { delivery.responder.respond(.text(200, "EVENT_RECEIVED")) }
            onCommitted?(Array(zip(ids, bodies).map { (id: $0, body: $1) }))
        } catch {
            // Meta redelivers what was not answered 200, so nothing is lost by saying so.
            received.increment("unavailable", by: Double(deliveries.count))
            log.error("inbox commit failed; deliveries refused for Meta to redeliver", ["count": "\(deliveries.count)", "error": "\(error)"])
            for delivery in deliveries { delivery.responder.respond(ErrorBody.response(503, "inbox_unavailable", "the inbox could not commit; retry later")) }
        }
        return nil
    }
}
