import struct CallCore.BSUID
import struct CallCore.PhoneNumber
import struct CallCore.WhatsAppUser
import Testing
import Runtime
@testable import WhatsApp

let number = BusinessNumber(graphVersion: "v24.0", phoneNumberID: "301234567890123")
let anaUser = WhatsAppUser(phone: PhoneNumber("34600111222")!)
/// A username user Meta names only by BSUID (spec §11.4).
let usernameUser = WhatsAppUser(userID: BSUID("US.13491208655302741918")!)

/// The body parsed back, so tests compare fields rather than spelling.
func body(_ request: GraphRequest) throws -> JSONValue {
    try JSONParser.parse(request.body ?? [])
}

@Suite struct GraphRequestTests {
    let offer = Fixture.text("sdp/box-offer.sdp")
    let answer = Fixture.text("sdp/box-answer.sdp")

    @Test func connect() throws {
        let request = GraphRequest.connect(number, to: anaUser, offerSDP: offer, bizOpaqueCallbackData: "ticket-4711")
        #expect(request.method == .post)
        #expect(request.path == "/v24.0/301234567890123/calls")
        #expect(try body(request) == [
            "messaging_product": "whatsapp", "to": "34600111222", "action": "connect",
            "session": ["sdp_type": "offer", "sdp": .string(offer)], "biz_opaque_callback_data": "ticket-4711",
        ])
        #expect(try body(GraphRequest.connect(number, to: anaUser, offerSDP: offer))["biz_opaque_callback_data"] == nil)
    }

    @Test func preAcceptAndAcceptCarryTheSameSDPByteForByte() throws {
        let preAccept = GraphRequest.preAccept(number, callID: userInitiatedCallID, answerSDP: answer)
        let accept = GraphRequest.accept(number, callID: userInitiatedCallID, answerSDP: answer, bizOpaqueCallbackData: "desk-handset-2")
        #expect(try body(preAccept) == [
            "messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "pre_accept",
            "session": ["sdp_type": "answer", "sdp": .string(answer)],
        ])
        #expect(try body(accept) == [
            "messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "accept",
            "session": ["sdp_type": "answer", "sdp": .string(answer)], "biz_opaque_callback_data": "desk-handset-2",
        ])
        let preAcceptSDP = try body(preAccept)["session"]?["sdp"]?.string.map { Array($0.utf8) }
        let acceptSDP = try body(accept)["session"]?["sdp"]?.string.map { Array($0.utf8) }
        #expect(preAcceptSDP == Fixture.bytes("sdp/box-answer.sdp"))
        #expect(acceptSDP == preAcceptSDP)
        // CRLF travels as the two-character escapes, not raw line breaks.
        let wire = String(decoding: accept.body ?? [], as: UTF8.self)
        #expect(wire.contains(#"v=0\r\no=-"#) && !wire.contains("\r"))
    }

    @Test func rejectAndTerminate() throws {
        #expect(try body(GraphRequest.reject(number, callID: userInitiatedCallID))
            == ["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "reject"])
        #expect(try body(GraphRequest.terminate(number, callID: userInitiatedCallID))
            == ["messaging_product": "whatsapp", "call_id": .string(userInitiatedCallID), "action": "terminate"])
    }

    @Test func sendText() throws {
        let request = GraphRequest.sendText(number, to: anaUser, body: "Yes, 10:00–13:00.")
        #expect(request.path == "/v24.0/301234567890123/messages")
        #expect(try body(request) == [
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222", "type": "text",
            "text": ["preview_url": false, "body": "Yes, 10:00–13:00."],
        ])
        let reply = GraphRequest.sendText(number, to: anaUser, body: "ok", previewURL: true, replyTo: "wamid.X")
        #expect(try body(reply)["context"] == ["message_id": "wamid.X"])
        #expect(try body(reply)["text"]?["preview_url"] == true)
    }

    @Test func callPermissionRequest() throws {
        let request = GraphRequest.callPermissionRequest(number, to: anaUser, bodyText: "May we call you back about your booking?")
        #expect(request.path == "/v24.0/301234567890123/messages")
        #expect(try body(request) == [
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222", "type": "interactive",
            "interactive": [
                "type": "call_permission_request", "action": ["name": "call_permission_request"],
                "body": ["text": "May we call you back about your booking?"],
            ],
        ])
        #expect(try body(GraphRequest.callPermissionRequest(number, to: anaUser))["interactive"]?["body"] == nil)
    }

    @Test func callPermissionsQuery() {
        let request = GraphRequest.callPermissions(number, for: anaUser)
        #expect(request == GraphRequest(method: .get, path: "/v24.0/301234567890123/call_permissions?user_wa_id=34600111222", body: nil))
        #expect(GraphRequest.callPermissions(number, for: WhatsAppUser(userID: BSUID("ES.1&x")!)).path.hasSuffix("recipient=ES.1%26x"))
    }

    /// With only a BSUID known, requests go to `recipient`; with a phone, to `to` alone (Meta
    /// lets `to` win when both are sent, spec §11.4).
    @Test func aUserWithoutAPhoneIsAddressedByRecipient() throws {
        let connect = try body(GraphRequest.connect(number, to: usernameUser, offerSDP: offer))
        #expect(connect["recipient"]?.string == "US.13491208655302741918")
        #expect(connect["to"] == nil)
        let text = try body(GraphRequest.sendText(number, to: usernameUser, body: "hi"))
        #expect(text["recipient"]?.string == "US.13491208655302741918" && text["to"] == nil)
        let request = try body(GraphRequest.callPermissionRequest(number, to: usernameUser))
        #expect(request["recipient"]?.string == "US.13491208655302741918" && request["to"] == nil)
        #expect(GraphRequest.callPermissions(number, for: usernameUser).path
            == "/v24.0/301234567890123/call_permissions?recipient=US.13491208655302741918")
        let both = WhatsAppUser(phone: PhoneNumber("34600111222"), userID: BSUID("ES.4471"))!
        let toBoth = try body(GraphRequest.connect(number, to: both, offerSDP: offer))
        #expect(toBoth["to"]?.string == "34600111222" && toBoth["recipient"] == nil)
    }

    @Test func everyBuiltRequestPassesTheValidator() throws {
        let requests = [
            GraphRequest.connect(number, to: anaUser, offerSDP: offer, bizOpaqueCallbackData: "t"),
            .preAccept(number, callID: userInitiatedCallID, answerSDP: answer),
            .accept(number, callID: userInitiatedCallID, answerSDP: answer),
            .reject(number, callID: userInitiatedCallID),
            .terminate(number, callID: userInitiatedCallID),
            .sendText(number, to: anaUser, body: "hi"),
            .callPermissionRequest(number, to: anaUser, bodyText: "May we call?"),
            .callPermissions(number, for: anaUser),
        ]
        for request in requests {
            let parsed = try GraphCallActionRequest.parse(method: request.method.rawValue, path: request.path,
                                                          authorization: "Bearer EAAG-token", body: request.body ?? [])
            #expect(parsed.number == number)
            #expect(parsed.accessToken == "EAAG-token")
        }
    }
}

@Suite struct GraphResponseTests {
    @Test func callActionSuccessWithAndWithoutMessagingProduct() throws {
        try GraphResponse.callAction(httpStatus: 200, body: Fixture.bytes("graph/success-call-action.json"))
        try GraphResponse.callAction(httpStatus: 200, body: Fixture.bytes("graph/success-call-action-bare.json"))
        #expect(throws: GraphError(httpStatus: 200, message: "expected \"success\": true", kind: .malformedResponse)) {
            try GraphResponse.callAction(httpStatus: 200, body: Array(#"{"success":false}"#.utf8))
        }
    }

    @Test func connectReturnsTheCallID() throws {
        #expect(try GraphResponse.connectedCallID(httpStatus: 200, body: Fixture.bytes("graph/success-connect.json")) == businessInitiatedCallID)
        #expect(try GraphResponse.connectedCallID(httpStatus: 200, body: Fixture.bytes("graph/success-connect-with-success.json")) == businessInitiatedCallID)
        #expect(throws: GraphError(httpStatus: 200, message: "expected calls[0].id", kind: .malformedResponse)) {
            try GraphResponse.connectedCallID(httpStatus: 200, body: Fixture.bytes("graph/success-call-action.json"))
        }
    }

    @Test func sentMessageReturnsTheWamid() throws {
        #expect(try GraphResponse.sentMessageID(httpStatus: 200, body: Fixture.bytes("graph/success-message.json"))
            == "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1")
    }

    @Test func callPermissionStates() throws {
        let temporary = try GraphResponse.callPermissions(httpStatus: 200, body: Fixture.bytes("graph/call-permissions-temporary.json"))
        #expect(temporary == CallPermissionState(status: .temporary, expirationTime: 1_767_831_300, actions: [
            .init(name: "send_call_permission_request", canPerformAction: false, limits: [
                .init(timePeriod: "PT24H", maxAllowed: 1, currentUsage: 1, limitExpirationTime: 1_767_312_900),
                .init(timePeriod: "P7D", maxAllowed: 2, currentUsage: 1),
            ]),
            .init(name: "start_call", canPerformAction: true, limits: [.init(timePeriod: "PT24H", maxAllowed: 100, currentUsage: 3)]),
        ]))
        let none = try GraphResponse.callPermissions(httpStatus: 200, body: Fixture.bytes("graph/call-permissions-none.json"))
        #expect(none.status == .noPermission && none.expirationTime == nil)
        #expect(none.action("send_call_permission_request")?.canPerformAction == true)
        #expect(none.action("start_call")?.limits == [])
    }

    @Test func errorStatusesThrowTheEnvelope() {
        #expect(throws: GraphError.self) {
            try GraphResponse.connectedCallID(httpStatus: 401, body: Fixture.bytes("graph/error-138006-no-permission.json"))
        }
        do {
            try GraphResponse.callAction(httpStatus: 502, body: Fixture.bytes("graph/error-not-json.html"))
            Issue.record("a 502 must throw")
        } catch {
            #expect(error.kind == .other)
            #expect(error.message == "<html><body><h1>502 Bad Gateway</h1></body></html>")
        }
    }

    @Test func malformedSuccessBodies() {
        #expect(throws: GraphError(httpStatus: 200, message: "response is not JSON: JSON byte 0: expected a value", kind: .malformedResponse)) {
            try GraphResponse.sentMessageID(httpStatus: 200, body: [])
        }
        #expect(throws: GraphError(httpStatus: 200, message: "permission: missing", kind: .malformedResponse)) {
            try GraphResponse.callPermissions(httpStatus: 200, body: Array(#"{"actions":[]}"#.utf8))
        }
    }
}
