import Testing
@testable import WhatsApp

func delivery(_ name: String) throws -> WebhookDelivery {
    try WebhookDelivery.decode(Fixture.bytes("webhooks/" + name))
}

let businessSource = WebhookSource(businessAccountID: "210987654321098", field: "calls",
                                   phoneNumberID: "301234567890123", displayPhoneNumber: "442071838750")
let userInitiatedCallID = "wacid.HBgLMzQ2MDAxMTEyMjIVAgASGCBBQjEy"
let businessInitiatedCallID = "wacid.HBgLMzQ2MDAxMTEyMjIVAgARGCBDRDM0"
let ana = WebhookContact(waID: "34600111222", name: "Ana Ruiz")

@Suite struct CallWebhookTests {
    @Test func userInitiatedConnectCarriesMetasOfferByteForByte() throws {
        let decoded = try delivery("call-connect-user-initiated.json")
        #expect(decoded.rejected.isEmpty)
        let offer = Fixture.text("sdp/meta-offer.sdp")
        #expect(decoded.events == [.call(CallWebhook(
            source: businessSource, id: userInitiatedCallID, from: "34600111222", to: "442071838750",
            timestamp: 1_767_225_600, direction: .userInitiated, contact: ana,
            event: .connect(CallSession(sdpType: .offer, sdp: offer))))])
        guard case .call(let call) = decoded.events.first, case .connect(let session) = call.event else { return }
        #expect(Array(session.sdp.utf8) == Fixture.bytes("sdp/meta-offer.sdp"))
        #expect(session.sdp.contains("\r\na=ice-lite\r\n"))
        #expect(call.dedupKey == "call:\(userInitiatedCallID):connect")
    }

    @Test func businessInitiatedConnectUsesSessionAndIgnoresLegacyConnection() throws {
        let decoded = try delivery("call-connect-business-initiated.json")
        #expect(decoded.rejected.isEmpty)
        #expect(decoded.events == [.call(CallWebhook(
            source: businessSource, id: businessInitiatedCallID, from: "442071838750", to: "34600111222",
            timestamp: 1_767_225_900, direction: .businessInitiated, bizOpaqueCallbackData: "ticket-4711", contact: ana,
            event: .connect(CallSession(sdpType: .answer, sdp: Fixture.text("sdp/meta-answer.sdp")))))])
    }

    @Test func directionIsInferredFromTheSDPTypeAndPayloadsAreKept() throws {
        let decoded = try delivery("call-connect-deeplink-no-direction.json")
        guard case .call(let call)? = decoded.events.first else { Issue.record("no call"); return }
        #expect(call.direction == .userInitiated)
        #expect(call.deeplinkPayload == "campaign-spring")
        #expect(call.ctaPayload == "support-button")
        #expect(call.contact == WebhookContact(waID: "46701234567", name: "Bo Lindqvist"))
    }

    @Test(arguments: [
        ("call-status-ringing.json", CallProgress.ringing, Int64(1_767_225_901)),
        ("call-status-accepted.json", .accepted, 1_767_225_902),
        ("call-status-rejected.json", .rejected, 1_767_225_903),
    ])
    func callStatuses(name: String, status: CallProgress, timestamp: Int64) throws {
        let decoded = try delivery(name)
        #expect(decoded.rejected.isEmpty)
        let update = CallStatusUpdate(source: businessSource, id: businessInitiatedCallID, status: status, timestamp: timestamp,
                                      recipientID: "34600111222", bizOpaqueCallbackData: "ticket-4711")
        #expect(decoded.events == [.callStatus(update)])
        #expect(decoded.events[0].dedupKey == "call-status:\(businessInitiatedCallID):\(status.text)")
    }

    @Test func terminateWithStringStatus() throws {
        let decoded = try delivery("call-terminate-completed.json")
        #expect(decoded.events == [.call(CallWebhook(
            source: businessSource, id: userInitiatedCallID, from: "34600111222", to: "442071838750",
            timestamp: 1_767_226_020, direction: .userInitiated,
            event: .terminate(CallTermination(outcomes: [.completed], startTime: 1_767_225_612, endTime: 1_767_226_020, duration: 408))))])
        #expect(decoded.events[0].dedupKey == "call:\(userInitiatedCallID):terminate")
    }

    @Test func terminateWithArrayStatusInMixedCase() throws {
        let decoded = try delivery("call-terminate-array-status.json")
        guard case .call(let call)? = decoded.events.first, case .terminate(let termination) = call.event else {
            Issue.record("no terminate"); return
        }
        #expect(termination.outcomes == [.failed, .completed])
        #expect(termination.duration == nil && termination.startTime == nil)
        // No `direction`: the business number in `from` tells.
        #expect(call.direction == .businessInitiated)
        #expect(call.bizOpaqueCallbackData == "ticket-4711")
    }

    @Test func failedTerminateTakesTheValueErrors() throws {
        let decoded = try delivery("call-terminate-failed-errors.json")
        #expect(decoded.events.count == 1)
        guard case .call(let call)? = decoded.events.first, case .terminate(let termination) = call.event else {
            Issue.record("no terminate"); return
        }
        #expect(termination.outcomes == [.failed])
        #expect(termination.errors == [MetaError(
            code: 138021, message: "Media receive timeout",
            details: "The WhatsApp client did not receive media from the business",
            href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/")])
    }

    @Test func failedTerminateTakesAPerCallError() throws {
        let decoded = try delivery("call-terminate-per-call-error.json")
        guard case .call(let call)? = decoded.events.first, case .terminate(let termination) = call.event else {
            Issue.record("no terminate"); return
        }
        #expect(termination.outcomes == [.failed])
        #expect(termination.errors == [MetaError(code: 138020, message: "Client failed to connect to relay", details: "ICE connectivity checks failed")])
    }

    @Test func terminateBeforeConnectDecodesBothWithDistinctKeys() throws {
        let terminate = try delivery("call-race-1-terminate.json").events
        let connect = try delivery("call-race-2-connect.json").events
        guard case .call(let ended)? = terminate.first, case .call(let late)? = connect.first else {
            Issue.record("missing calls"); return
        }
        #expect(ended.id == late.id)
        #expect(ended.timestamp > late.timestamp)
        guard case .terminate(let termination) = ended.event else { Issue.record("not a terminate"); return }
        #expect(termination.outcomes == [.rejected])
        #expect(late.isConnect)
        #expect(terminate[0].dedupKey != connect[0].dedupKey)
    }

    @Test func bsuidFieldsOnACall() throws {
        let decoded = try delivery("bsuid-call-connect.json")
        guard case .call(let call)? = decoded.events.first else { Issue.record("no call"); return }
        #expect(call.fromUserID == "ES.13491208655302741918")
        #expect(call.toUserID == nil)
        #expect(call.contact == WebhookContact(waID: "34600111222", userID: "ES.13491208655302741918", name: "Ana Ruiz", username: "ana.ruiz"))
    }
}
