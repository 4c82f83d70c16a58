import Testing
import Runtime
@testable import WhatsApp

/// Each rule the decoder relaxed for real traffic (README, "What Meta and HubSpot really send"),
/// with the value that used to be refused.
@Suite struct RelaxedReadingTests {
    func calls(_ call: String, valueExtra: String = "") throws -> WebhookDelivery {
        try WebhookDelivery.decode(Array("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{
              "metadata":{"display_phone_number":"15550783881","phone_number_id":"2"}\(valueExtra),"calls":[\(call)]}}]}]}
            """.utf8))
    }

    func messages(_ message: String) throws -> WebhookDelivery {
        try WebhookDelivery.decode(Array("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[\(message)]}}]}]}
            """.utf8))
    }

    func onlyCall(_ delivery: WebhookDelivery) throws -> CallWebhook {
        #expect(delivery.rejected.isEmpty, "\(delivery.rejected)")
        guard case .call(let call)? = delivery.events.first else { throw WebhookDecodeError(path: "", message: "no call") }
        return call
    }

    /// Publicly pasted captures mask digits (`91809753****`); a leading `+` comes from SIP-shaped senders.
    @Test func phonesThatAreNotDigitsAreKeptAsText() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","from":"91809753****","to":"+15550783881","event":"terminate","timestamp":"1","status":"COMPLETED"}"#))
        #expect(call.from == "91809753****")
        #expect(call.to == "15550783881")
        #expect(call.direction == .userInitiated)
    }

    @Test func aDirectionWordNotKnownIsTakenAsUnsaid() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","from":"34600111222","to":"15550783881","event":"terminate","timestamp":"1","direction":"SIDEWAYS","status":"FAILED"}"#))
        #expect(call.direction == .userInitiated, "the business number tells")
    }

    /// Meta's reference writes the terminate status as non-JSON `[FAILED | COMPLETED]`.
    @Test func aStatusWrittenAsBracketedTextIsRead() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","event":"terminate","timestamp":"1","status":"[FAILED | COMPLETED]"}"#))
        guard case .terminate(let termination) = call.event else { Issue.record("not a terminate"); return }
        #expect(termination.outcomes == [.failed, .completed])
        #expect(termination.resolved == .completed, "no errors: COMPLETED")
        let failed = try onlyCall(try calls(#"{"id":"wacid.A","event":"terminate","timestamp":"1","status":["Failed","Completed"],"errors":[{"code":138021,"message":"Call failed"}]}"#))
        guard case .terminate(let withErrors) = failed.event else { Issue.record("not a terminate"); return }
        #expect(withErrors.resolved == .failed)
    }

    @Test func numbersWrittenWithAFractionOrAsStringsAreRead() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","event":"terminate","timestamp":1767225600.0,"status":"COMPLETED","duration":2e1}"#))
        #expect(call.timestamp == 1_767_225_600)
        guard case .terminate(let termination) = call.event else { Issue.record("not a terminate"); return }
        #expect(termination.duration == 20)
        let location = try messages(#"{"id":"wamid.L","timestamp":"1","type":"location","location":{"latitude":"40.4168","longitude":"-3.7038"}}"#)
        guard case .message(let message)? = location.events.first, case .location(let place) = message.content else {
            Issue.record("no location: \(location.rejected)"); return
        }
        #expect(place.latitude == 40.4168 && place.longitude == -3.7038)
    }

    @Test func errorsWithoutACodeAndRepeatedErrorsAreKeptOnce() throws {
        let error = #"{"code":138021,"title":"Call ended","message":"Peer ended call","error_data":{"details":"The other side hung up"}}"#
        let call = try onlyCall(try calls(#"{"id":"wacid.A","event":"terminate","timestamp":"1","status":"FAILED","errors":[\#(error),{"message":"no code"}]}"#,
                                          valueExtra: #","errors":[\#(error)]"#))
        #expect(call.errors.map(\.code) == [138021, 0])
        #expect(call.errors.last?.message == "no code")
    }

    /// Spec §2.1: the legacy `connection.webrtc` carries the same SDP; read when `session` is missing.
    @Test func aConnectWithOnlyTheLegacyConnectionIsRead() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","from":"34600111222","to":"15550783881","event":"connect","timestamp":"1","connection":{"webrtc":{"sdp_type":"OFFER","sdp":"v=0\r\n"}}}"#))
        #expect(call.event == .connect(CallSession(sdpType: .offer, sdp: "v=0\r\n")))
    }

    @Test func aRecordingsMediaIdMayBeANumber() throws {
        let call = try onlyCall(try calls(#"{"id":"wacid.A","event":"call_recording_available","call_recording":{"type":"audio","audio":{"id":7700112233,"mime_type":"audio/ogg; codecs=opus"}}}"#))
        guard case .recordingAvailable(let media) = call.event else { Issue.record("not a recording"); return }
        #expect(media.id == "7700112233")
        #expect(call.timestamp == 0, "no timestamp is not a reason to refuse")
    }

    /// Meta's permission-reply samples carry no `messages[].type`, nor sometimes `interactive.type`.
    @Test func aMessageWithoutItsTypesIsReadByItsPayload() throws {
        let reply = try messages(#"{"id":"wamid.R","from":"34600111222","timestamp":"1","interactive":{"call_permission_reply":{"response":"reject","response_source":"automatic"}}}"#)
        guard case .message(let message)? = reply.events.first,
              case .interactive(.callPermissionReply(let answer)) = message.content else {
            Issue.record("not a permission reply: \(reply)"); return
        }
        #expect(message.type == "interactive")
        #expect(answer.response == .reject && answer.responseSource == .automatic)
        let text = try messages(#"{"id":"wamid.T","timestamp":"1","text":{"body":"hola"}}"#)
        guard case .message(let plain)? = text.events.first else { Issue.record("no message"); return }
        #expect(plain.content == .text(body: "hola"))
    }

    /// Meta publishes its account_update samples as a JSON array of deliveries.
    @Test func aBodyThatIsAnArrayOfDeliveriesIsReadWhole() throws {
        let one = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"ACCOUNT_VIOLATION"}}]}]}"#
        let decoded = try WebhookDelivery.decode(Array("[\(one),\(one)]".utf8))
        #expect(decoded.events.map(\.kind) == ["account_update", "account_update"])
        #expect(throws: WebhookDecodeError(path: "[1].object", message: "missing")) {
            try WebhookDelivery.decode(Array("[\(one),{}]".utf8))
        }
    }
}
