import Testing
import Runtime
@testable import WhatsApp

@Suite struct GraphCallActionRequestTests {
    static let offer = Fixture.text("sdp/box-offer.sdp")
    static let answer = Fixture.text("sdp/box-answer.sdp")
    static let calls = "/v24.0/301234567890123/calls"
    static let messages = "/v24.0/301234567890123/messages"

    func parse(_ body: JSONValue?, method: String = "POST", path: String = calls, authorization: String? = "Bearer EAAG")
        throws(GraphRequestRejection) -> GraphCallActionRequest.Operation
    {
        try GraphCallActionRequest.parse(method: method, path: path, authorization: authorization,
                                         body: body.map(JSONWriter.encode) ?? []).operation
    }

    func message(_ body: JSONValue) throws(GraphRequestRejection) -> GraphCallActionRequest.Operation {
        try parse(body, path: Self.messages)
    }

    static func action(_ action: String, sdpType: String = "answer", sdp: JSONValue = .string(answer)) -> JSONValue {
        ["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": .string(action),
         "session": ["sdp_type": .string(sdpType), "sdp": sdp]]
    }

    @Test func acceptsTheFiveCallActions() throws {
        #expect(try parse(["messaging_product": "whatsapp", "to": "34600111222", "action": "connect",
                           "session": ["sdp_type": "offer", "sdp": .string(Self.offer)], "biz_opaque_callback_data": "t-1"])
            == .connect(to: "34600111222", offerSDP: Self.offer, bizOpaqueCallbackData: "t-1"))
        #expect(try parse(Self.action("pre_accept")) == .preAccept(callID: userInitiatedCallID, answerSDP: Self.answer))
        #expect(try parse(Self.action("accept")) == .accept(callID: userInitiatedCallID, answerSDP: Self.answer, bizOpaqueCallbackData: nil))
        #expect(try parse(["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "reject"])
            == .reject(callID: userInitiatedCallID))
        #expect(try parse(["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "terminate"])
            == .terminate(callID: userInitiatedCallID))
    }

    @Test func acceptsMessagesAndThePermissionQuery() throws {
        #expect(try message(["messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222",
                                                  "type": "text", "text": ["body": "hi"], "context": ["message_id": "wamid.X"]])
            == .sendText(to: "34600111222", body: "hi", previewURL: false, replyTo: "wamid.X"))
        #expect(try message(["messaging_product": "whatsapp", "recipient": "ES.1349", "type": "text", "text": ["body": "hola"]])
            == .sendText(to: "ES.1349", body: "hola", previewURL: false, replyTo: nil))
        #expect(try message(["messaging_product": "whatsapp", "to": "34600111222", "type": "interactive",
                                                  "interactive": ["type": "call_permission_request", "action": ["name": "call_permission_request"]]])
            == .callPermissionRequest(to: "34600111222", bodyText: nil))
        #expect(try parse(nil, method: "GET", path: "/v24.0/301234567890123/call_permissions?user_wa_id=34600111222")
            == .callPermissionsQuery(userWaID: "34600111222"))
        let maximal = String(repeating: "é", count: GraphCallActionRequest.maximumTextLength)
        #expect(try message(["messaging_product": "whatsapp", "to": "1", "type": "text", "text": ["body": .string(maximal)]])
            == .sendText(to: "1", body: maximal, previewURL: false, replyTo: nil))
    }

    static let metaOffer = Fixture.text("sdp/meta-offer.sdp")
    static let twoFingerprints = answer.replacingFirst("a=setup:active", with: "a=fingerprint:sha-512 AA:BB\r\na=setup:active")
    static let noFingerprint = answer.removingLines(prefixed: "a=fingerprint")
    static let lfOnly = String(answer.split(separator: "\r\n").joined(separator: "\n") + "\n")
    static let wrapped = JSONWriter.encodeString(["sdp": .string(answer), "type": "answer"])

    @Test(arguments: [
        ("POST", "/v24.0/301234567890123/settings", "Bearer t", Self.action("accept"), GraphRequestRejection.Rule.unknownPath, "path"),
        ("POST", "/301234567890123/calls", "Bearer t", Self.action("accept"), .unknownPath, "path"),
        ("POST", "/v24.0/abc/calls", "Bearer t", Self.action("accept"), .unknownPath, "path"),
        ("POST", "/v16.0/301234567890123/calls", "Bearer t", Self.action("accept"), .unsupportedVersion, "path"),
        ("POST", "/24.0/301234567890123/calls", "Bearer t", Self.action("accept"), .unsupportedVersion, "path"),
        ("GET", calls, "Bearer t", Self.action("accept"), .methodNotAllowed, "method"),
        ("POST", calls, nil, Self.action("accept"), .missingAccessToken, "Authorization"),
        ("POST", calls, "Basic dXNlcg==", Self.action("accept"), .missingAccessToken, "Authorization"),
        ("POST", calls, "Bearer ", Self.action("accept"), .missingAccessToken, "Authorization"),
        ("POST", calls, "Bearer t", nil, .malformedJSON, "body"),
        ("POST", calls, "Bearer t", ["a", "b"], .malformedJSON, "body"),
        ("POST", calls, "Bearer t", ["call_id": "wacid.1", "action": "reject"], .missingParameter, "messaging_product"),
        ("POST", calls, "Bearer t", ["messaging_product": "sms", "call_id": "wacid.1", "action": "reject"], .wrongMessagingProduct, "messaging_product"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "call_id": "wacid.1"], .missingParameter, "action"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "call_id": "wacid.1", "action": "hold"], .unknownAction, "action"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "action": "reject"], .missingParameter, "call_id"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "call_id": "12345", "action": "terminate"], .invalidCallID, "call_id"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "action": "connect", "session": ["sdp_type": "offer", "sdp": .string(Self.offer)]],
         .missingParameter, "to"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "to": "+34600111222", "action": "connect", "session": ["sdp_type": "offer", "sdp": .string(Self.offer)]],
         .invalidParameter, "to"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "to": "34600111222", "action": "connect"], .missingParameter, "session"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "to": "34600111222", "action": "connect", "session": ["sdp_type": "answer", "sdp": .string(Self.answer)]],
         .wrongSDPType, "session.sdp_type"),
        ("POST", calls, "Bearer t", Self.action("pre_accept", sdpType: "offer", sdp: .string(Self.offer)), .wrongSDPType, "session.sdp_type"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: ["sdp": .string(Self.answer), "type": "answer"]), .doubleEncodedSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string(Self.wrapped)), .doubleEncodedSDP, "session.sdp"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "accept",
                                      "connection": ["webrtc": ["sdp": .string(Self.wrapped)]]], .legacyConnectionSDP, "connection"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: "o=- 1 2 IN IP4 0.0.0.0\r\n"), .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string("v=0\r\no=- 1 2 IN IP4 0.0.0.0\ns=-\r\n")), .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string(Self.noFingerprint)), .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string(Self.twoFingerprints)), .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string(Self.metaOffer.replacingFirst("a=setup:actpass", with: "a=setup:active"))),
         .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", Self.action("accept", sdp: .string(Self.answer + "a=x")), .invalidSDP, "session.sdp"),
        ("POST", calls, "Bearer t", ["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "accept",
                                      "session": ["sdp_type": "answer", "sdp": .string(Self.answer)],
                                      "biz_opaque_callback_data": .string(String(repeating: "x", count: 513))], .callbackDataTooLong, "biz_opaque_callback_data"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "text", "text": ["body": .string(String(repeating: "a", count: 4097))]],
         .textTooLong, "text.body"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "text"], .missingParameter, "text"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "text", "text": ["preview_url": true]], .missingParameter, "text.body"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "type": "text", "text": ["body": "x"]], .missingParameter, "to"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "image", "image": ["id": "1"]], .unsupportedMessageType, "type"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "recipient_type": "group", "type": "text", "text": ["body": "x"]],
         .invalidParameter, "recipient_type"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "interactive",
                                         "interactive": ["type": "button", "action": ["name": "call_permission_request"]]], .unsupportedMessageType, "interactive.type"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "interactive",
                                         "interactive": ["type": "call_permission_request", "action": ["name": "x"]]], .invalidParameter, "interactive.action.name"),
        ("POST", messages, "Bearer t", ["messaging_product": "whatsapp", "to": "1", "type": "interactive",
                                         "interactive": ["type": "call_permission_request", "action": ["name": "call_permission_request"],
                                                         "header": ["type": "text", "text": "Hi"]]], .invalidParameter, "interactive.header"),
        ("GET", "/v24.0/301234567890123/call_permissions", "Bearer t", nil, .missingParameter, "user_wa_id"),
        ("GET", "/v24.0/301234567890123/call_permissions?user_wa_id=%ZZ", "Bearer t", nil, .invalidParameter, "user_wa_id"),
    ] as [(String, String, String?, JSONValue?, GraphRequestRejection.Rule, String)])
    func refuses(method: String, path: String, authorization: String?, body: JSONValue?, rule: GraphRequestRejection.Rule, parameter: String) {
        do {
            _ = try parse(body, method: method, path: path, authorization: authorization)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == rule, "\(error)")
            #expect(error.parameter == parameter, "\(error)")
        }
    }

    @Test func sdpRulesNameWhatIsWrong() {
        #expect(BusinessSDPRules.violation(in: Self.answer, type: .answer) == nil)
        #expect(BusinessSDPRules.violation(in: Self.offer, type: .offer) == nil)
        #expect(BusinessSDPRules.violation(in: Self.noFingerprint, type: .answer) == "No fingerprint found in SDP")
        // Meta's own Graph reference sends LF-only SDP (spec §11.7): taken; a mix is not.
        #expect(BusinessSDPRules.violation(in: Self.lfOnly, type: .answer) == nil)
        #expect(BusinessSDPRules.violation(in: "v=0\r\no=- 1\nx\r\n", type: .answer) == "sdp line 2 ends with a bare LF; the others end with CRLF")
        #expect(BusinessSDPRules.violation(in: Self.twoFingerprints, type: .answer)
            == "sdp must carry exactly one a=fingerprint:sha-256 line, found 2 fingerprint lines")
        // Meta's own offer is ice-lite: fine in an offer's position, refused as a business answer.
        #expect(BusinessSDPRules.violation(in: Self.metaOffer, type: .offer) == nil)
        #expect(BusinessSDPRules.violation(in: Self.metaOffer, type: .answer)?.hasPrefix("a business answer must not contain a=ice-lite") == true)
    }

    @Test func rejectionsMapToMetaCodes() {
        #expect(GraphRequestRejection(.missingParameter, "x").metaCode == 131008)
        #expect(GraphRequestRejection(.textTooLong, "x").metaCode == 131009)
        #expect(GraphRequestRejection(.invalidSDP, "x").metaCode == 100)
        #expect(GraphRequestRejection(.missingAccessToken, "x").httpStatus == 401)
        #expect(GraphRequestRejection(.missingAccessToken, "x").metaCode == 190)
    }
}

extension String {
    func removingLines(prefixed prefix: String) -> String {
        split(separator: "\r\n").filter { !$0.hasPrefix(prefix) }.map { $0 + "\r\n" }.joined()
    }
}
