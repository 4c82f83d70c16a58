import Testing
import Runtime
@testable import WhatsApp

@Suite struct WebhookDeliveryTests {
    @Test func batchedDeliveryYieldsEveryItemOfEveryChangeOfEveryEntry() throws {
        let decoded = try delivery("batched.json")
        #expect(decoded.rejected.isEmpty)
        let keys = decoded.events.map { $0.dedupKey ?? "unknown:\($0.source.field)" }
        #expect(keys == [
            "call:\(userInitiatedCallID):connect",
            "call:\(businessInitiatedCallID):terminate",
            "call-status:\(businessInitiatedCallID):ACCEPTED",
            "message:wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy",
            "message:wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBRNQkFU",
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1:sent",
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1:delivered",
            "message:wamid.HBgLNDY3MDEyMzQ1NjcVAgASGBROQkFU",
            "call-status:wacid.HBgLNDY3MDEyMzQ1NjcVAgARGCBPQkFU:RINGING",
            "unknown:account_update",
        ])
        #expect(decoded.events.map(\.source.businessAccountID) == Array(repeating: "210987654321098", count: 7) + Array(repeating: "210987654321099", count: 3))
        #expect(decoded.events[7].source.phoneNumberID == "301234567890124")
        guard case .call(let terminate) = decoded.events[1], case .terminate(let termination) = terminate.event else {
            Issue.record("second event is not a terminate"); return
        }
        #expect(termination == CallTermination(outcomes: [.completed], startTime: 1_767_225_905, endTime: 1_767_226_100, duration: 195))
        guard case .message(let bo) = decoded.events[7] else { Issue.record("not Bo's message"); return }
        #expect(bo.contact == WebhookContact(waID: "46701234567", name: "Bo Lindqvist"))
    }

    @Test func duplicatedItemsShareTheirDedupKeys() throws {
        let decoded = try delivery("duplicated.json")
        #expect(decoded.events.count == 4)
        #expect(decoded.events[0] == decoded.events[2])
        #expect(decoded.events[1] == decoded.events[3])
        #expect(Set(decoded.events.compactMap(\.dedupKey)) == [
            "message:wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy", "call:\(userInitiatedCallID):terminate",
        ])
    }

    @Test func managementFieldsAreKeptWhole() throws {
        let update = try delivery("account-update.json")
        guard case .accountUpdate(let source, let value)? = update.events.first else { Issue.record("not an account update"); return }
        #expect(update.events.first?.kind == "account_update")
        #expect(source == WebhookSource(businessAccountID: "210987654321098", field: "account_update"))
        #expect(value["violation_info"]?["violation_type"]?.string == "LOW_CALLING_QUALITY")
        let settings = try delivery("account-settings-update.json")
        guard case .unknown(let settingsSource, let settingsValue)? = settings.events.first else { Issue.record("not unknown"); return }
        #expect(settingsSource.field == "account_settings_update")
        #expect(settingsValue["phone_number_settings"]?["calling"]?["status"]?.string == "ENABLED")
        #expect(settings.events[0].dedupKey == nil)
    }

    @Test(arguments: [
        ("malformed-not-json.json", "", "not JSON: JSON byte 90: expected a value"),
        ("malformed-trailing-garbage.json", "", "not JSON: JSON byte 53: expected end of document"),
        ("malformed-wrong-object.json", "object", "expected whatsapp_business_account, got \"page\""),
        ("malformed-entry-not-array.json", "entry", "expected an array"),
    ])
    func deliveriesThatAreNotWhatsAppDeliveriesThrow(name: String, path: String, message: String) {
        #expect(throws: WebhookDecodeError(path: path, message: message)) { try delivery(name) }
    }

    @Test(arguments: [
        ("malformed-call-without-id.json", "entry[0].changes[0].value.calls[0].id", "missing"),
        ("malformed-timestamp.json", "entry[0].changes[0].value.calls[0].timestamp", "expected digits, got \"2026-01-01T00:00:00Z\""),
    ])
    func badItemsAreReportedWithTheirPath(name: String, path: String, message: String) throws {
        let decoded = try delivery(name)
        #expect(decoded.events.isEmpty)
        #expect(decoded.rejected == [WebhookDecodeError(path: path, message: message)])
    }

    /// Meta's reference lists call events the docs never describe (`media_update`); one the
    /// model does not know is kept and counted, not refused.
    @Test func aCallEventOfAnUnknownKindIsKept() throws {
        let decoded = try delivery("call-unknown-event.json")
        #expect(decoded.rejected.isEmpty)
        guard case .call(let call)? = decoded.events.first else { Issue.record("no call event"); return }
        #expect(call.event == .other("transfer"))
        #expect(decoded.events.first?.kind == "call_other")
        #expect(call.dedupKey == "call:\(call.id):transfer")
    }

    @Test func goodItemsSurviveTheirBadSiblings() throws {
        let decoded = try delivery("malformed-mixed-items.json")
        #expect(decoded.events.compactMap(\.dedupKey) == ["call:\(userInitiatedCallID):connect", "message:wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy"])
        #expect(decoded.rejected == [
            WebhookDecodeError(path: "entry[0].changes[0].value.calls[0].id", message: "missing"),
            WebhookDecodeError(path: "entry[0].changes[1].value.messages[1].timestamp", message: "expected digits, got \"17672x6800\""),
            WebhookDecodeError(path: "entry[0].changes[2].value", message: "missing"),
        ])
    }

    @Test(arguments: [
        (#"[]"#, "", "expected an object"),
        (#"{"entry":[]}"#, "object", "missing"),
        (#"{"object":"whatsapp_business_account"}"#, "entry", "expected an array"),
    ])
    func envelopeShapes(body: String, path: String, message: String) {
        #expect(throws: WebhookDecodeError(path: path, message: message)) { try WebhookDelivery.decode(Array(body.utf8)) }
    }

    @Test(arguments: [
        (#"{"object":"whatsapp_business_account","entry":[7]}"#, "entry[0]", "expected an object"),
        (#"{"object":"whatsapp_business_account","entry":[{"changes":[]}]}"#, "entry[0].id", "missing"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":{}}]}"#, "entry[0].changes", "expected an array"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{}}]}]}"#, "entry[0].changes[0].field", "missing"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":{}}}]}]}"#,
         "entry[0].changes[0].value.calls", "expected an array"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":[{"id":"wacid.1","event":"connect","timestamp":"1"}]}}]}]}"#,
         "entry[0].changes[0].value.calls[0].session", "missing"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":[{"id":"wacid.1","event":"connect","timestamp":"1","session":{"sdp_type":"pranswer","sdp":"v=0"}}]}}]}]}"#,
         "entry[0].changes[0].value.calls[0].session.sdp_type", "expected offer or answer, got \"pranswer\""),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":[{"id":"wacid.1","event":"terminate","timestamp":"1","status":7}]}}]}]}"#,
         "entry[0].changes[0].value.calls[0].status", "expected a string or an array of strings"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":[{"id":"wacid.1","event":"terminate","timestamp":"99999999999999999999"}]}}]}]}"#,
         "entry[0].changes[0].value.calls[0].timestamp", "number out of range"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"statuses":[{"id":"wamid.1","type":"message","status":"sent","timestamp":"1"}]}}]}]}"#,
         "entry[0].changes[0].value.statuses[0].type", "expected call in a calls webhook, got \"message\""),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.1","from":["34"],"timestamp":"1","type":"text","text":{"body":"x"}}]}}]}]}"#,
         "entry[0].changes[0].value.messages[0].from", "expected a phone number"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.1","timestamp":"1","type":"interactive","interactive":{"type":"call_permission_reply","call_permission_reply":{"response":"maybe"}}}]}}]}]}"#,
         "entry[0].changes[0].value.messages[0].interactive.call_permission_reply.response", "expected accept or reject, got \"maybe\""),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.1","timestamp":"1","type":"text"}]}}]}]}"#,
         "entry[0].changes[0].value.messages[0].text", "missing"),
        (#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"contacts":[{"wa_id":true}],"statuses":[{"id":"wamid.1","status":"read","timestamp":"1","errors":[{"title":"x"}]}]}}]}]}"#,
         "entry[0].changes[0].value.contacts[0].wa_id", "expected a phone number"),
    ])
    func itemErrorsNameTheirPath(body: String, path: String, message: String) throws {
        let decoded = try WebhookDelivery.decode(Array(body.utf8))
        #expect(decoded.rejected.first == WebhookDecodeError(path: path, message: message))
    }

    /// Only `.json` files: a libFuzzer run pointed at this folder adds its own unnamed inputs.
    @Test func everyFixtureDecodesOrFailsPrecisely() {
        for name in Fixture.names(in: "webhooks") where name.hasSuffix(".json") {
            do {
                let decoded = try WebhookDelivery.decode(Fixture.bytes(name))
                let expectsProblems = name.contains("malformed")
                #expect(decoded.rejected.isEmpty != expectsProblems, "\(name): \(decoded.rejected)")
            } catch {
                #expect(name.contains("malformed"), "\(name): \(error)")
            }
        }
    }
}
