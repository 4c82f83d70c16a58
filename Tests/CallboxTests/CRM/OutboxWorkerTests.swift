import CallCore
import HubSpot
import Journal
import Runtime
import Testing
@testable import Callbox

/// HubSpot as a function of the request, answered at once; keeps what was sent.
private final class ScriptedHubSpot: HubSpotTransport {
    var answer: (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>
    private(set) var sent: [HTTPClientRequest] = []

    init(_ answer: @escaping (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>) {
        self.answer = answer
    }

    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        sent.append(request)
        completion(answer(request))
    }
}

private func created(_ id: String) -> Result<HTTPClientResponse, HTTPClientError> {
    .success(HTTPClientResponse(status: 201, body: Array(#"{"id":"\#(id)"}"#.utf8)))
}

private let call = CRMWrite.call(CallEngagement(callID: "wacid.W1", direction: .inbound, outcome: .missed, remoteNumber: "34600111222",
                                                businessNumber: "442071838750", offeredAtMilliseconds: 1_767_225_600_000,
                                                durationMilliseconds: 0))

private final class Harness {
    let loop = EventLoop()
    private let temporary: TemporaryJournal
    var journal: Journal { temporary.journal }
    let hubspot: ScriptedHubSpot
    let worker: OutboxWorker

    /// `resolveContact` stands in for the contact directory; without one, no engagement has a contact.
    init(resolveContact: OutboxWorker.ContactResolver? = nil,
         _ answer: @escaping (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>) throws {
        temporary = try TemporaryJournal()
        hubspot = ScriptedHubSpot(answer)
        let api = HubSpotAPI(transport: hubspot, baseURL: "https://api.example", accessToken: "pat-1")
        if let resolveContact {
            worker = OutboxWorker(journal: temporary.journal, writer: CRMWriter(api: api), loop: loop, metrics: Metrics(),
                                  resolveContact: resolveContact)
        } else {
            worker = OutboxWorker(journal: temporary.journal, writer: CRMWriter(api: api), loop: loop, metrics: Metrics())
        }
    }

    func enqueue(_ write: CRMWrite) throws {
        try journal.outbox.enqueue(kind: write.kind, idempotencyKey: write.idempotencyKey, payload: write.payload,
                                   now: Instant(unixMilliseconds: WallClock.milliseconds()))
    }

    /// Turns the loop until `condition` holds, for at most about two seconds.
    func spin(until condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<100 {
            if try condition() { return true }
            loop.runOnce(maximumWait: 20)
        }
        return try condition()
    }

    func item() throws -> OutboxItem? {
        try journal.outbox.item(idempotencyKey: call.idempotencyKey)
    }
}

@Suite struct OutboxWorkerTests {
    @Test func anEnqueuedCallIsCreatedWithTheResolvedContactAndOwner() throws {
        var asked: [String] = []
        let harness = try Harness(resolveContact: { phone, done in
            asked.append(phone)
            done(.success(OutboxWorker.ResolvedContact(contactID: "501", ownerID: "77")))
        }) { _ in created("9001") }
        harness.worker.start()
        try harness.enqueue(call)
        #expect(try harness.spin { try harness.item()?.state == .delivered })
        #expect(try harness.item()?.objectID == "9001")
        #expect(asked == ["34600111222"])
        let body = try JSONParser.parse(try #require(harness.hubspot.sent.first).body)
        #expect(body["associations"]?[0]?["to"]?["id"]?.string == "501")
        #expect(body["properties"]?["hubspot_owner_id"]?.string == "77")
        #expect(harness.hubspot.sent.map(\.url) == ["https://api.example/crm/v3/objects/calls"])
    }

    @Test func anItemAnEarlierAttemptMayHaveCreatedIsLookedUpAndNotCreatedAgain() throws {
        let harness = try Harness { request in
            request.url.hasSuffix("/search")
                ? .success(HTTPClientResponse(status: 200, body: Array(#"{"total":1,"results":[{"id":"9002"}]}"#.utf8)))
                : created("9999")
        }
        try harness.enqueue(call)
        let id = try #require(try harness.item()?.id)
        // What a crash mid-attempt leaves: the attempt recorded, its lease already over.
        try harness.journal.outbox.beginAttempts(ids: [id], at: Instant(unixMilliseconds: WallClock.milliseconds() - 60_000),
                                                 lease: .seconds(30))
        harness.worker.start()
        #expect(try harness.spin { try harness.item()?.state == .delivered })
        #expect(try harness.item()?.objectID == "9002")
        #expect(try harness.item()?.attempts == 2)
        #expect(harness.hubspot.sent.map(\.url) == ["https://api.example/crm/v3/objects/calls/search"])
    }

    @Test func aRefusalParksAtOnceAndAServerErrorIsRescheduledAsMaybeCreated() throws {
        let harness = try Harness { _ in
            .success(HTTPClientResponse(status: 400, body: Array(#"{"message":"bad","category":"VALIDATION_ERROR"}"#.utf8)))
        }
        harness.worker.start()
        try harness.enqueue(call)
        #expect(try harness.spin { try harness.item()?.state == .parked })
        #expect(try harness.item()?.parkedReason == "refused by HubSpot, not retried: HubSpot HTTP 400 VALIDATION_ERROR: bad")
        #expect(try harness.item()?.mayExist == false, "a refused create made nothing")

        harness.hubspot.answer = { _ in .success(HTTPClientResponse(status: 503, body: Array("busy".utf8))) }
        let id = try #require(try harness.item()?.id)
        try harness.journal.outbox.requeue(id: id, at: Instant(unixMilliseconds: WallClock.milliseconds()))
        #expect(try harness.spin { try harness.item()?.lastError == "HubSpot HTTP 503: busy" })
        let item = try #require(try harness.item())
        #expect(item.state == .pending && item.mayExist && item.attempts == 1)
        let earliest = WallClock.milliseconds() + OutboxRetryPolicy.searchVisibilityMilliseconds - 1_000
        #expect(item.nextAttemptAt.unixMilliseconds >= earliest, "not looked up before search can see the object")
    }

    @Test func aRateLimitPausesEveryDeliveryAndCostsNoAttempt() throws {
        var answers: [Result<HTTPClientResponse, HTTPClientError>] = [
            .success(HTTPClientResponse(status: 429, body: Array(#"{"category":"RATE_LIMITS"}"#.utf8), headers: [("Retry-After", "1")])),
        ]
        let harness = try Harness { _ in answers.isEmpty ? created("9003") : answers.removeFirst() }
        harness.worker.start()
        let limitedAt = WallClock.milliseconds()
        try harness.enqueue(call)
        #expect(try harness.spin { try harness.item()?.lastError != nil })
        #expect(try harness.item()?.attempts == 0)
        var other = call
        if case var .call(engagement) = call {
            engagement.callID = "wacid.W2"
            other = .call(engagement)
        }
        try harness.enqueue(other)
        for _ in 0..<10 { harness.loop.runOnce(maximumWait: 20) }
        #expect(harness.hubspot.sent.count == 1, "nothing is sent while HubSpot asked to wait")
        #expect(try harness.spin {
            try [call, other].allSatisfy { try harness.journal.outbox.item(idempotencyKey: $0.idempotencyKey)?.state == .delivered }
        })
        let sentAgain = WallClock.milliseconds()
        #expect(sentAgain - limitedAt >= 1_000)
        #expect(harness.hubspot.sent.count == 3)
    }

    @Test func aContactLookupHubSpotCannotAnswerPostponesTheEngagementRatherThanDropTheContact() throws {
        let harness = try Harness(resolveContact: { _, done in done(OutboxWorker.ResolvedContact.from(.unavailable("HubSpot HTTP 502"))) }) {
            _ in created("9004")
        }
        harness.worker.start()
        try harness.enqueue(call)
        #expect(try harness.spin { try harness.item()?.lastError != nil })
        let item = try #require(try harness.item())
        #expect(item.state == .pending && !item.mayExist && item.attempts == 1)
        #expect(item.lastError == "HubSpot unreachable: contact lookup unavailable: HubSpot HTTP 502")
        #expect(harness.hubspot.sent.isEmpty)
        #expect(OutboxWorker.ResolvedContact.from(.match(ContactMatch(id: "501", name: nil, ownerID: "77")))
                == .success(OutboxWorker.ResolvedContact(contactID: "501", ownerID: "77")))
        #expect(OutboxWorker.ResolvedContact.from(.noMatch) == .success(OutboxWorker.ResolvedContact(contactID: nil, ownerID: nil)))
    }

    @Test func anUnreadablePayloadIsParkedWithItsReason() throws {
        let harness = try Harness { _ in created("1") }
        harness.worker.start()
        try harness.journal.outbox.enqueue(kind: CRMWrite.callKind, idempotencyKey: "hubspot-call:broken", payload: Array("{}".utf8),
                                           now: Instant(unixMilliseconds: WallClock.milliseconds()))
        #expect(try harness.spin { try harness.journal.outbox.item(idempotencyKey: "hubspot-call:broken")?.state == .parked })
        #expect(try harness.journal.outbox.item(idempotencyKey: "hubspot-call:broken")?.parkedReason == "unreadable: call payload lacks 'direction'")
        #expect(harness.hubspot.sent.isEmpty)
    }
}
