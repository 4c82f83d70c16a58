import HubSpot
import Runtime
import Testing

private let quality = #"{"packets_sent":3000,"packets_received":2990,"packets_lost":10,"jitter_ms":3.24,"rtt_ms":48,"concealment_ratio":0.012}"#

private func call(_ outcome: CallEngagement.Outcome = .completed, _ direction: CallEngagement.Direction = .inbound) -> CallEngagement {
    CallEngagement(callID: "wacid.ABC", direction: direction, outcome: outcome, remoteNumber: "34600111222",
                   businessNumber: "442071838750", offeredAtMilliseconds: 1_767_225_600_000, durationMilliseconds: 62_400,
                   answeredBy: "handset", endReason: "remote_hangup", quality: quality)
}

private func json(_ request: HTTPClientRequest) throws -> JSONValue {
    try JSONParser.parse(request.body)
}

private func created(_ id: String) -> Result<HTTPClientResponse, HTTPClientError> {
    .success(HTTPClientResponse(status: 201, body: Array(#"{"id":"\#(id)","properties":{}}"#.utf8)))
}

@Suite struct CRMWriterTests {
    private func writer(_ answers: [Result<HTTPClientResponse, HTTPClientError>]) -> (CRMWriter, ScriptedTransport) {
        let transport = ScriptedTransport(answers)
        return (CRMWriter(api: HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1")), transport)
    }

    @Test func aCallEngagementCarriesSpecPropertiesAndTheContactAssociation() throws {
        let (writer, transport) = writer([created("9001")])
        var result: Result<String, HubSpotError>?
        let write = CRMWrite.call(call())
        writer.create(write, idempotencyKey: write.idempotencyKey, contactID: "501", ownerID: "77") { result = $0 }
        #expect(try result?.get() == "9001")
        let request = try #require(transport.sent.first)
        #expect(request.method == "POST" && request.url == "https://api.example/crm/v3/objects/calls")
        let body = try json(request)
        let properties = try #require(body["properties"])
        #expect(properties["hs_timestamp"]?.string == "1767225600000")
        #expect(properties["hs_call_direction"]?.string == "INBOUND")
        #expect(properties["hs_call_status"]?.string == "COMPLETED")
        #expect(properties["hs_call_duration"]?.string == "62400")
        #expect(properties["hs_call_from_number"]?.string == "+34600111222")
        #expect(properties["hs_call_to_number"]?.string == "+442071838750")
        #expect(properties["hs_call_title"]?.string == "WhatsApp call from +34600111222")
        #expect(properties["hs_call_disposition"]?.string == CallEngagement.Disposition.connected)
        #expect(properties["hs_call_external_id"]?.string == "hubspot-call:wacid.ABC")
        #expect(properties["hubspot_owner_id"]?.string == "77")
        let text = try #require(properties["hs_call_body"]?.string)
        #expect(text.contains("Duration: 1m 02s"))
        #expect(text.contains("Call quality: 0.3% packets lost, jitter 3.2 ms, round trip 48 ms, 1.2% of audio concealed"))
        #expect(text.contains("Ended: remote hangup"))
        let association = try #require(body["associations"]?[0])
        #expect(association["to"]?["id"]?.string == "501")
        #expect(association["types"]?[0]?["associationCategory"]?.string == "HUBSPOT_DEFINED")
        #expect(association["types"]?[0]?["associationTypeId"]?.int64 == 194)
    }

    @Test func withoutAContactTheEngagementIsUnassociatedAndTheAnsweringAgentOwnsIt() throws {
        var engagement = call(.missed)
        engagement.answeringOwnerID = "12"
        engagement.quality = nil
        engagement.durationMilliseconds = 0
        let body = CRMWrite.call(engagement).createBody(idempotencyKey: "k", contactID: nil, ownerID: "77")
        #expect(body["associations"] == nil)
        let properties = try #require(body["properties"])
        #expect(properties["hubspot_owner_id"]?.string == "12")
        #expect(properties["hs_call_status"]?.string == "NO_ANSWER")
        #expect(properties["hs_call_title"]?.string == "Missed WhatsApp call from +34600111222")
        #expect(properties["hs_call_disposition"]?.string == CallEngagement.Disposition.noAnswer)
        #expect(properties["hs_call_body"]?.string?.contains("quality") == false)
    }

    @Test(arguments: [
        (CallEngagement.Outcome.completed, CallEngagement.Direction.outbound, "COMPLETED", CallEngagement.Disposition.connected),
        (.missed, .outbound, "NO_ANSWER", CallEngagement.Disposition.noAnswer),
        (.rejected, .outbound, "BUSY", CallEngagement.Disposition.busy),
        (.busy, .outbound, "BUSY", CallEngagement.Disposition.busy),
        (.rejected, .inbound, "CANCELED", nil),
        (.failed, .inbound, "FAILED", nil),
    ] as [(CallEngagement.Outcome, CallEngagement.Direction, String, String?)])
    func outcomesMapToHubSpotStatuses(outcome: CallEngagement.Outcome, direction: CallEngagement.Direction, status: String,
                                      disposition: String?) {
        let engagement = call(outcome, direction)
        #expect(engagement.hubSpotStatus == status)
        #expect(engagement.disposition == disposition)
        if direction == .outbound {
            let properties = engagement.properties(idempotencyKey: "k", ownerID: nil)
            #expect(properties["hs_call_from_number"]?.string == "+442071838750")
            #expect(properties["hs_call_direction"]?.string == "OUTBOUND")
        }
    }

    @Test func aCommunicationIsWhatsAppLoggedFromTheCRMWithItsKeyTokenInTheBody() throws {
        let (writer, transport) = writer([created("7001")])
        let message = WhatsAppCommunication(wamid: "wamid.HBgL==", direction: .inbound, remoteNumber: "34600111222",
                                            text: "<b>hola</b> & adiós", sentAtMilliseconds: 1_767_225_600_123)
        let write = CRMWrite.communication(message)
        var result: Result<String, HubSpotError>?
        writer.create(write, idempotencyKey: write.idempotencyKey, contactID: "501", ownerID: nil) { result = $0 }
        #expect(try result?.get() == "7001")
        let request = try #require(transport.sent.first)
        #expect(request.url == "https://api.example/crm/v3/objects/communications")
        let body = try json(request)
        let properties = try #require(body["properties"])
        #expect(properties["hs_communication_channel_type"]?.string == "WHATS_APP")
        #expect(properties["hs_communication_logged_from"]?.string == "CRM")
        #expect(properties["hs_timestamp"]?.string == "1767225600123")
        #expect(properties["hubspot_owner_id"] == nil)
        let text = try #require(properties["hs_communication_body"]?.string)
        #expect(text.hasPrefix("From +34600111222: &lt;b&gt;hola&lt;/b&gt; &amp; adiós"))
        #expect(text.hasSuffix(IdempotencyToken.token(for: "hubspot-message:wamid.HBgL==")))
        #expect(body["associations"]?[0]?["types"]?[0]?["associationTypeId"]?.int64 == 81)
    }

    @Test func theKeyTokenIsOneAlphanumericWordPerKey() {
        let token = IdempotencyToken.token(for: "hubspot-message:wamid.A")
        #expect(token.count == IdempotencyToken.prefix.count + 32)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(token == IdempotencyToken.token(for: "hubspot-message:wamid.A"))
        #expect(token != IdempotencyToken.token(for: "hubspot-message:wamid.B"))
        // FNV-1a 128 of the empty input is its offset basis.
        #expect(IdempotencyToken.token(for: "") == "callbox6c62272e07bb014262b821756295c58d")
    }

    @Test func findSearchesTheKeyPropertyAndReadsTheFirstResult() throws {
        let found = HTTPClientResponse(status: 200, body: Array(#"{"total":1,"results":[{"id":"9001","properties":{}}]}"#.utf8))
        let none = HTTPClientResponse(status: 200, body: Array(#"{"total":0,"results":[]}"#.utf8))
        let (writer, transport) = writer([.success(found), .success(none)])
        var first: Result<String?, HubSpotError>?
        var second: Result<String?, HubSpotError>?
        writer.find(.calls, idempotencyKey: "hubspot-call:wacid.ABC") { first = $0 }
        writer.find(.communications, idempotencyKey: "hubspot-message:wamid.X") { second = $0 }
        #expect(try first?.get() == "9001")
        #expect(try second?.get() == .some(nil))
        #expect(transport.sent.map(\.url) == ["https://api.example/crm/v3/objects/calls/search",
                                              "https://api.example/crm/v3/objects/communications/search"])
        let callFilter = try json(transport.sent[0])["filterGroups"]?[0]?["filters"]?[0]
        #expect(callFilter == ["propertyName": "hs_call_external_id", "operator": "EQ", "value": "hubspot-call:wacid.ABC"])
        let messageFilter = try json(transport.sent[1])["filterGroups"]?[0]?["filters"]?[0]
        #expect(messageFilter == ["propertyName": "hs_communication_body", "operator": "CONTAINS_TOKEN",
                                  "value": .string(IdempotencyToken.token(for: "hubspot-message:wamid.X"))])
    }

    @Test func answersWithoutWhatTheyPromiseAreMalformed() {
        let (writer, _) = writer([.success(HTTPClientResponse(status: 201, body: Array("{}".utf8))),
                                  .success(HTTPClientResponse(status: 200, body: Array(#"{"total":0}"#.utf8)))])
        var created: Result<String, HubSpotError>?
        var found: Result<String?, HubSpotError>?
        writer.create(.call(call()), idempotencyKey: "k", contactID: nil, ownerID: nil) { created = $0 }
        writer.find(.calls, idempotencyKey: "k") { found = $0 }
        guard case let .failure(createError)? = created, case let .failure(findError)? = found else {
            Issue.record("expected failures")
            return
        }
        #expect(createError.kind == .malformedResponse && findError.kind == .malformedResponse)
    }

    @Test func payloadsRoundTripAndBadOnesAreRefusedWithAReason() throws {
        let write = CRMWrite.call(call())
        #expect(try CRMWrite(kind: write.kind, payload: write.payload) == write)
        let message = CRMWrite.communication(WhatsAppCommunication(wamid: "wamid.1", direction: .outbound, remoteNumber: "34600111222",
                                                                   text: "hi", sentAtMilliseconds: 5, contactID: "901"))
        #expect(try CRMWrite(kind: message.kind, payload: message.payload) == message)
        #expect(message.idempotencyKey == "hubspot-message:wamid.1")
        #expect(message.knownContactID == "901" && write.knownContactID == nil)
        #expect(throws: CRMPayloadError.self) { try CRMWrite(kind: "hubspot_call", payload: Array("{\"call_id\":1}".utf8)) }
        #expect(throws: CRMPayloadError.self) { try CRMWrite(kind: "hubspot_call", payload: Array("not json".utf8)) }
        #expect(throws: CRMPayloadError(message: "unknown outbox kind 'fax'")) { try CRMWrite(kind: "fax", payload: []) }
    }
}
