import CallCore
import Journal
import Runtime
import Testing
import WhatsApp
@testable import Callbox

private let ana = CallCore.WhatsAppUser(phone: CallCore.PhoneNumber("34600111222")!)
private let business = CallCore.PhoneNumber("442071838750")!

/// The call controller with the permission service: dials checked before Meta, call
/// records feeding the limits, in the transactions that write them.
@Suite struct PermissionOutcomeTests {
    private let box: PermissionFixture
    private let calls: CallController
    private let loop = EventLoop()

    init() throws {
        box = try PermissionFixture()
        calls = CallController(policy: CallPolicy(maxCalls: 2, ringTimeout: .seconds(45)), journal: box.journal,
                               graph: box.client, number: PermissionFixture.number, loop: loop, permissions: box.permissions)
        box.graph.standing[PermissionFixture.callsPath] = .success(HTTPClientResponse(
            status: 200, body: JSONWriter.encode(["messaging_product": "whatsapp", "success": true]), headers: []))
    }

    private func grantPermanent() throws {
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: true),
                                        userID: nil, phone: ana.description, at: box.now)
    }

    private func dial(_ id: String) -> CallEventResult {
        box.graph.script(PermissionFixture.callsPath, status: 200, ["messaging_product": "whatsapp", "calls": [["id": .string(id)]]])
        return calls.handleNow(.dial(Dial(to: ana, from: business, by: .api)),
                               session: .opened(direction: .outbound, remote: ana, business: business, offeredAt: box.now,
                                                offerSDP: SandboxSDP.businessOffer, callerName: nil))
    }

    private func unanswered(_ id: String) {
        _ = dial(id)
        calls.handleNow(.terminated(Termination(id: CallId(id)!, status: .completed)))
    }

    private var record: PermissionRecord? {
        get throws { try box.journal.permissions.record(contactKey: ana.description) }
    }

    @Test func aDialWithoutPermissionNeverReachesMeta() throws {
        let result = dial("wacid.NEVER")
        #expect(result.permission == PermissionRefusal(rule: .noPermission))
        #expect(result.handle == nil && calls.table.liveCount == 0)
        #expect(box.graph.requests(to: PermissionFixture.callsPath).isEmpty)
        let response = PermissionEndpoints.refused(try #require(result.permission), byMeta: false)
        #expect(response.status == 422)
        let json = try JSONParser.parse(response.body)
        #expect(json["error"]?["rule"]?.string == "no_permission" && json["error"]?["refused_by"]?.string == "box")
    }

    @Test func aDialWithPermissionReachesMeta() throws {
        try grantPermanent()
        let result = dial("wacid.OK1")
        #expect(result.permission == nil && result.handle != nil)
        #expect(box.graph.requests(to: PermissionFixture.callsPath).count == 1)
    }

    @Test func fourUnansweredCallsRevokeThePermission() throws {
        try grantPermanent()
        for call in 1...3 { unanswered("wacid.MISS\(call)") }
        #expect(try record?.state == .permanent && (try record?.consecutiveUnanswered) == 3)
        unanswered("wacid.MISS4")
        #expect(try record?.state == .revoked)
        #expect(try box.history(ana.description).suffix(2) == ["unanswered_call/call_outcome",
                                                               "revoked_after_unanswered_calls/call_outcome"])
        let connects = box.graph.requests(to: PermissionFixture.callsPath).count
        #expect(dial("wacid.MISS5").permission?.rule == .revoked)
        #expect(box.graph.requests(to: PermissionFixture.callsPath).count == connects)
    }

    @Test func aRejectedCallCountsAndAConnectedInboundCallResets() throws {
        try grantPermanent()
        _ = dial("wacid.REJ1")
        calls.handleNow(.terminated(Termination(id: CallId("wacid.REJ1")!, status: .rejected)))
        unanswered("wacid.MISS1")
        #expect(try record?.consecutiveUnanswered == 2)

        let inbound = CallId("wacid.IN1")!
        try box.journal.transaction {
            try calls.apply(.incomingConnect(IncomingConnect(id: inbound, from: ana, to: business, timestamp: box.now)),
                            at: box.now, session: .opened(direction: .inbound, remote: ana, business: business,
                                                          offeredAt: box.now, offerSDP: SandboxSDP.offer(sessionID: 1), callerName: nil))
        }
        calls.runPendingEffects()
        calls.handleNow(.answer(.id(inbound), .api), session: .answered(by: .api, answerSDP: SandboxSDP.businessAnswer))
        #expect(calls.table.slot(for: inbound)?.state.name == .active)
        calls.handleNow(.terminated(Termination(id: inbound, status: .completed, duration: .seconds(30))))
        #expect(try record?.consecutiveUnanswered == 0)
        #expect(try box.history(ana.description).last == "limits_reset/call_outcome")
    }

    @Test func aFailedDialCountsForNothing() throws {
        try grantPermanent()
        box.graph.script(PermissionFixture.callsPath, status: 400, ["error": [
            "message": "(#138003) Duplicate call", "type": "OAuthException", "code": 138003]])
        _ = calls.handleNow(.dial(Dial(to: ana, from: business, by: .api)),
                            session: .opened(direction: .outbound, remote: ana, business: business, offeredAt: box.now,
                                             offerSDP: SandboxSDP.businessOffer, callerName: nil))
        #expect(try box.journal.callRecords.recentCalls(limit: 5).first?.outcome == "busy")
        #expect(try record?.consecutiveUnanswered == 0)
    }
}
