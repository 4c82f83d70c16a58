import CallCore
@testable import Config
import Journal
import Runtime
import Testing
import WhatsApp
@testable import Callbox

// Config has a PhoneNumber of its own.
private typealias PhoneNumber = CallCore.PhoneNumber

private let ana = WhatsAppUser(phone: PhoneNumber("+34 600 111 222")!)
private let t0 = PermissionFixture.start

@Suite struct PermissionRequestServiceTests {
    @Test func aRequestGoesOutAsTheInteractiveMessageAndIsJournalledWithItsCommsRow() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        let outcome = try box.request(ana, body: "May we call you back?")
        #expect(outcome.wamid == "wamid.REQ1")
        let sent = try #require(box.graph.requests(to: PermissionFixture.messagesPath).first)
        let json = try JSONParser.parse(sent.body)
        #expect(json["type"]?.string == "interactive" && json["to"]?.string == "34600111222")
        #expect(json["interactive"]?["type"]?.string == "call_permission_request")
        #expect(json["interactive"]?["action"]?["name"]?.string == "call_permission_request")
        #expect(json["interactive"]?["body"]?["text"]?.string == "May we call you back?")
        #expect(json["interactive"]?["header"] == nil && json["interactive"]?["footer"] == nil)

        #expect(try box.journal.permissions.record(contactKey: "34600111222")?.state == .requested)
        #expect(try box.history("34600111222") == ["request_sent/request"])
        let row = try #require(try box.journal.comms.record(wamid: "wamid.REQ1"))
        #expect(row.direction == "outbound" && row.type == "interactive" && row.contactKey == "34600111222")
        #expect(row.body == "Call permission request: May we call you back?")
    }

    @Test func theCooldownRefusesLocallyUntilExactly24HoursAndMetaNeverSeesIt() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        box.now = t0 + .hours(24) - .seconds(1)
        let early = try box.request(ana)
        #expect(early.refusal == PermissionRefusal(rule: .requestCooldown, nextAllowed: t0 + .hours(24)))
        #expect(early.refusedByMeta == false)
        #expect(box.graph.requests(to: PermissionFixture.messagesPath).count == 1)

        box.now = t0 + .hours(24)
        box.scriptSent("wamid.REQ2")
        #expect(try box.request(ana).wamid == "wamid.REQ2")
    }

    @Test func theWeeklyLimitSlidesAndNamesWhenTheOldestLeavesTheWindow() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        box.now = t0 + .days(2)
        box.scriptSent("wamid.REQ2")
        _ = try box.request(ana)
        box.now = t0 + .days(5)
        #expect(try box.request(ana).refusal == PermissionRefusal(rule: .weeklyLimit, nextAllowed: t0 + .days(7)))
        box.now = t0 + .days(7)
        box.scriptSent("wamid.REQ3")
        #expect(try box.request(ana).wamid == "wamid.REQ3")
        box.now = t0 + .days(8) + .hours(1)
        #expect(try box.request(ana).refusal == PermissionRefusal(rule: .weeklyLimit, nextAllowed: t0 + .days(9)))
        #expect(box.graph.requests(to: PermissionFixture.messagesPath).count == 3)
    }

    @Test func theConfiguredLimitsApply() throws {
        let box = try PermissionFixture(settings: PermissionSettings(
            requestCooldown: .hours(1), maxRequestsPerWeek: 3, temporaryValidity: .days(2), revokeAfterMissed: 2))
        for (hour, wamid) in [(0, "wamid.A"), (1, "wamid.B"), (2, "wamid.C")] {
            box.now = t0 + .hours(Int64(hour))
            box.scriptSent(wamid)
            #expect(try box.request(ana).wamid == wamid)
        }
        box.now = t0 + .hours(3)
        #expect(try box.request(ana).refusal?.rule == .weeklyLimit)
    }

    @Test func grantsRefuseRequestsWithTheirRule() throws {
        let box = try PermissionFixture()
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: false,
                                                            expirationTimestamp: (t0 + .days(3)).unixSeconds),
                                        userID: nil, phone: "34600111222", at: t0)
        #expect(try box.request(ana).refusal == PermissionRefusal(rule: .alreadyTemporary, nextAllowed: t0 + .days(3)))
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: true),
                                        userID: nil, phone: "34600111222", at: t0)
        #expect(try box.request(ana).refusal == PermissionRefusal(rule: .permanentExists))
        #expect(box.graph.requests.isEmpty)
    }

    @Test func metasRequestLimitIsARefusalNamedFromItsLimitsAndCorrectsTheLedger() throws {
        let box = try PermissionFixture()
        box.graph.script(PermissionFixture.messagesPath, status: 400, ["error": [
            "message": "(#138009) Call permission request limit reached", "type": "OAuthException", "code": 138009]])
        let release = (t0 + .hours(20)).unixSeconds
        box.scriptMeta(["status": "no_permission"], actions: [[
            "action_name": "send_call_permission_request", "can_perform_action": false,
            "limits": [["time_period": "PT24H", "max_allowed": 1, "current_usage": 1, "limit_expiration_time": .integer(release)],
                       ["time_period": "P7D", "max_allowed": 2, "current_usage": 1]],
        ]])
        let outcome = try box.request(ana)
        #expect(outcome.refusal == PermissionRefusal(rule: .requestCooldown, nextAllowed: Instant(unixSeconds: release)))
        #expect(outcome.refusedByMeta == true)
        #expect(box.graph.requests(to: PermissionFixture.permissionsPath).count == 1)
        // Meta's fresh answer now refuses locally: no second message.
        box.now = t0 + .seconds(2)
        #expect(try box.request(ana).refusal?.rule == .requestCooldown)
        #expect(box.graph.requests(to: PermissionFixture.messagesPath).count == 1)
    }

    @Test func metasPermanentRefusalGrantsTheCallTheLedgerMissed() throws {
        let box = try PermissionFixture()
        box.graph.script(PermissionFixture.messagesPath, status: 400, ["error": [
            "message": "(#138017) Permanent permission exists", "type": "OAuthException", "code": 138017]])
        box.scriptMeta(["status": "permanent"])
        let outcome = try box.request(ana)
        #expect(outcome.refusal == PermissionRefusal(rule: .permanentExists))
        #expect(try box.journal.permissions.record(contactKey: "34600111222")?.state == .permanent)
        #expect(try box.history("34600111222") == ["meta_permanent/meta_reconcile"])
        #expect(try box.permissions.callRefusal(to: ana) == nil)
    }

    @Test func otherGraphFailuresAreReportedNotJournalled() throws {
        let box = try PermissionFixture()
        box.graph.answers[PermissionFixture.messagesPath] = [.failure(.timedOut)]
        guard case .failed(.transport(.timedOut)) = try box.request(ana) else {
            Issue.record("a timeout is a failure")
            return
        }
        #expect(try box.journal.permissions.record(contactKey: "34600111222") == nil)
    }
}

@Suite struct PermissionCallServiceTests {
    @Test func everyCallRefusalNamesItsRule() throws {
        let box = try PermissionFixture()
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .noPermission)
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .awaitingReply)
        try box.permissions.recordReply(CallPermissionReply(response: .reject, isPermanent: false),
                                        userID: nil, phone: "34600111222", at: t0 + .minutes(1))
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .rejected)
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: false,
                                                            expirationTimestamp: (t0 + .days(7)).unixSeconds),
                                        userID: nil, phone: "34600111222", at: t0 + .minutes(2))
        box.now = t0 + .days(7) - .milliseconds(1)
        #expect(try box.permissions.callRefusal(to: ana) == nil)
        box.now = t0 + .days(7)
        // The lapse is noticed and journalled by the read.
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .noPermission)
        #expect(try box.history("34600111222").last == "expired/local_rule")
    }

    @Test func anIgnoredRequestLapsesOnReadAfterSevenDays() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        box.now = t0 + .days(7)
        let status = try box.permissions.status(ana)
        #expect(status.record.state == .none)
        #expect(status.call.refusal?.rule == .noPermission)
        #expect(try box.history("34600111222") == ["request_sent/request", "request_expired/local_rule"])
    }

    @Test func statusNamesTheRuleAndTheNextRequestTime() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        box.now = t0 + .hours(1)
        let status = try box.permissions.status(ana)
        #expect(status.call == .refused(PermissionRefusal(rule: .awaitingReply)))
        #expect(status.request == .refused(PermissionRefusal(rule: .requestCooldown, nextAllowed: t0 + .hours(24))))
        let json = PermissionEndpoints.json(status)
        #expect(json["allowed"] == false && json["rule"]?.string == "awaiting_reply")
        #expect(json["message"]?.string == PermissionRule.awaitingReply.sentence)
        #expect(json["request"]?["rule"]?.string == "request_cooldown")
        #expect(json["request"]?["next_allowed_at"]?.string == "2026-01-02T00:00:00Z")
        #expect(json["state"]?.string == "requested" && json["checked_with_meta"] == false)
        #expect(json["history"]?[0]?["source"]?.string == "request")
    }

    @Test func theContactKeyIsTheUserIDMetaGaveForThePhone() throws {
        let box = try PermissionFixture()
        try box.journal.comms.recordInbound(CommsRecord(wamid: "wamid.IN1", direction: "inbound", contactKey: "ES.1234567890",
                                                        phone: "34600111222", type: "text", body: "hola", sentAt: t0, updatedAt: t0))
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: true),
                                        userID: "ES.1234567890", phone: "34600111222", at: t0)
        #expect(try box.permissions.contactKey(for: ana) == "ES.1234567890")
        #expect(try box.permissions.callRefusal(to: ana) == nil)
    }

    @Test func requestsCountedUnderThePhoneStillCountOnceMetaNamesTheUser() throws {
        let box = try PermissionFixture()
        box.scriptSent("wamid.REQ1")
        _ = try box.request(ana)
        try box.journal.comms.recordInbound(CommsRecord(wamid: "wamid.IN1", direction: "inbound", contactKey: "ES.1234567890",
                                                        phone: "34600111222", type: "text", body: "hola", sentAt: t0, updatedAt: t0))
        try box.permissions.recordReply(CallPermissionReply(response: .reject, isPermanent: false),
                                        userID: "ES.1234567890", phone: "34600111222", at: t0 + .hours(1))
        box.now = t0 + .hours(2)
        #expect(try box.request(ana).refusal == PermissionRefusal(rule: .requestCooldown, nextAllowed: t0 + .hours(24)))
    }
}

@Suite struct PermissionReconcileServiceTests {
    @Test func metaGrantingWhatTheLedgerDoesNotKnowWinsAndIsJournalled() throws {
        let box = try PermissionFixture()
        let expires = (t0 + .days(6)).unixSeconds
        box.scriptMeta(["status": "temporary", "expiration_time": .integer(expires)])
        let status = try box.validate(ana)
        #expect(status.meta == .corrected(from: .none))
        #expect(status.call == .allowed)
        #expect(status.record.state == .temporary(expires: Instant(unixSeconds: expires)))
        #expect(try box.history("34600111222") == ["meta_temporary/meta_reconcile"])
        let query = try #require(box.graph.requests(to: PermissionFixture.permissionsPath).first)
        #expect(query.method == "GET" && query.url.hasSuffix("?user_wa_id=34600111222"))
    }

    @Test func metaWithdrawingAGrantWins() throws {
        let box = try PermissionFixture()
        try box.permissions.recordReply(CallPermissionReply(response: .accept, isPermanent: true),
                                        userID: nil, phone: "34600111222", at: t0)
        box.scriptMeta(["status": "no_permission"])
        let status = try box.validate(ana)
        #expect(status.meta == .corrected(from: .permanent))
        #expect(status.call.refusal?.rule == .noPermission)
        #expect(PermissionEndpoints.json(status)["corrected_from"]?.string == "permanent")
        #expect(try box.history("34600111222") == ["granted_permanent/user_reply", "meta_no_permission/meta_reconcile"])
    }

    @Test func agreementJournalsNothing() throws {
        let box = try PermissionFixture()
        box.scriptMeta(["status": "no_permission"])
        let status = try box.validate(ana)
        #expect(status.meta == .agreed && status.call.refusal?.rule == .noPermission)
        #expect(try box.journal.permissions.record(contactKey: "34600111222") == nil)
    }

    @Test func metasDailyCallCapRefusesACallItOtherwisePermits() throws {
        let box = try PermissionFixture()
        let release = (t0 + .hours(3)).unixSeconds
        box.scriptMeta(["status": "permanent"], actions: [[
            "action_name": "start_call", "can_perform_action": false,
            "limits": [["time_period": "PT24H", "max_allowed": 100, "current_usage": 100,
                        "limit_expiration_time": .integer(release)]],
        ]])
        let status = try box.validate(ana)
        #expect(status.call == .refused(PermissionRefusal(rule: .callLimit, nextAllowed: Instant(unixSeconds: release))))
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .callLimit)
    }

    @Test func unreachableMetaLeavesTheLedgerToAnswerAndSaysSo() throws {
        let box = try PermissionFixture()
        box.graph.answers[PermissionFixture.permissionsPath] = [.failure(.couldNotConnect("refused"))]
        let status = try box.validate(ana)
        guard case .unavailable(.failed) = status.meta else {
            Issue.record("expected an unavailable Meta, got \(status.meta)")
            return
        }
        let json = PermissionEndpoints.json(status)
        #expect(json["checked_with_meta"] == false && json["meta_unavailable"]?.string?.contains("ledger") == true)
        #expect(json["rule"]?.string == "no_permission")
    }

    @Test func answersAreCachedAndMetaIsAskedAtMostFiveTimesASecond() throws {
        let box = try PermissionFixture()
        box.graph.standing[PermissionFixture.permissionsPath] = .success(HTTPClientResponse(
            status: 200, body: JSONWriter.encode(["permission": ["status": "no_permission"], "actions": []]), headers: []))
        _ = try box.validate(ana)
        _ = try box.validate(ana)
        #expect(box.graph.requests(to: PermissionFixture.permissionsPath).count == 1, "a fresh answer is reused")
        for user in 1...5 {
            let status = try box.validate(WhatsAppUser(phone: PhoneNumber("3460000000\(user)")!))
            if user <= 4 { #expect(status.meta == .agreed) } else { #expect(status.meta == .unavailable(.rateLimited)) }
        }
        #expect(box.graph.requests(to: PermissionFixture.permissionsPath).count == 5)
        box.now = t0 + .seconds(1)
        #expect(try box.validate(WhatsAppUser(phone: PhoneNumber("34600000009")!)).meta == .agreed)
        box.now = t0 + .seconds(11)
        _ = try box.validate(ana)
        #expect(box.graph.requests(to: PermissionFixture.permissionsPath).count == 7, "a stale answer is asked again")
    }

    @Test func metasOwnRateLimitPausesTheLookups() throws {
        let box = try PermissionFixture()
        box.graph.script(PermissionFixture.permissionsPath, status: 429, ["error": [
            "message": "(#613) Calls to this api have exceeded the rate limit.", "type": "OAuthException", "code": 613]])
        #expect(try box.validate(ana).meta == .unavailable(.rateLimited))
        #expect(try box.validate(WhatsAppUser(phone: PhoneNumber("34600000001")!)).meta == .unavailable(.rateLimited))
        #expect(box.graph.requests(to: PermissionFixture.permissionsPath).count == 1)
    }
}

@Suite struct PermissionReplyServiceTests {
    /// Meta's reply webhook (spec §4.3) decoded as the inbox decodes it, applied in a transaction.
    private func deliver(_ reply: String, fromUserID: String? = nil, to box: PermissionFixture) throws {
        let user = fromUserID.map { "\"from_user_id\":\"\($0)\"," } ?? ""
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"442071838750","phone_number_id":"301234567890123"},
            "messages":[{"from":"34600111222",\(user)"id":"wamid.R1","timestamp":"1767226500","type":"interactive",
            "context":{"from":"442071838750","id":"wamid.REQ1"},
            "interactive":{"type":"call_permission_reply","call_permission_reply":\(reply)}}]}}]}]}
            """
        let delivery = try WebhookDelivery.decode(Array(body.utf8))
        guard case let .message(message)? = delivery.events.first,
              case let .interactive(.callPermissionReply(parsed)) = message.content else {
            Issue.record("the reply did not decode: \(delivery.rejected)")
            return
        }
        try box.journal.transaction {
            try box.permissions.recordReply(parsed, userID: message.fromUserID, phone: message.from, at: t0)
        }
    }

    @Test(arguments: ["\"1767831300\"", "1767831300"])
    func aTemporaryAcceptTakesMetasExpirationAsStringOrInteger(expiration: String) throws {
        let box = try PermissionFixture()
        try deliver("""
            {"response":"accept","is_permanent":false,"expiration_timestamp":\(expiration),"response_source":"user_action"}
            """, to: box)
        let record = try #require(try box.journal.permissions.record(contactKey: "34600111222"))
        #expect(record.state == .temporary(expires: Instant(unixSeconds: 1_767_831_300)))
        #expect(try box.history("34600111222") == ["granted_temporary/user_reply"])
    }

    @Test func aPermanentAcceptAndAReject() throws {
        let box = try PermissionFixture()
        try deliver(#"{"response":"accept","is_permanent":true,"response_source":"automatic"}"#, to: box)
        #expect(try box.journal.permissions.record(contactKey: "34600111222")?.state == .permanent)
        try deliver(#"{"response":"reject","is_permanent":false}"#, to: box)
        #expect(try box.journal.permissions.record(contactKey: "34600111222")?.state == .rejected)
        #expect(try box.permissions.callRefusal(to: ana)?.rule == .rejected)
        // Meta's own grant (the user called with callback permission on) is told apart from a tap.
        #expect(try box.history("34600111222") == ["granted_permanent/meta_automatic", "declined/user_reply"])
    }

    /// Spec §11.8: `response_source: automatic` with a reject is Meta revoking the permission
    /// after unanswered business calls, not the user declining.
    @Test func anAutomaticRejectIsMetasRevocation() throws {
        let box = try PermissionFixture()
        try deliver(#"{"response":"accept","is_permanent":true,"response_source":"user_action"}"#, to: box)
        try deliver(#"{"response":"reject","response_source":"automatic"}"#, to: box)
        #expect(try box.journal.permissions.record(contactKey: "34600111222")?.state == .revoked)
        #expect(try box.history("34600111222") == ["granted_permanent/user_reply", "revoked_after_unanswered_calls/meta_automatic"])
        #expect(try box.permissions.callRefusal(to: ana) != nil)
    }

    @Test func aReplyWithABusinessScopedUserIDIsKeyedOnIt() throws {
        let box = try PermissionFixture()
        try deliver(#"{"response":"accept","is_permanent":true}"#, fromUserID: "ES.99887766", to: box)
        #expect(try box.journal.permissions.record(contactKey: "ES.99887766")?.state == .permanent)
        #expect(try box.journal.permissions.record(contactKey: "34600111222") == nil)
    }
}
