import Testing
@testable import WhatsApp

@Suite struct GraphErrorTests {
    @Test func readsEveryEnvelopeField() {
        let error = GraphError(httpStatus: 401, body: Fixture.bytes("graph/error-138006-no-permission.json"))
        #expect(error == GraphError(
            httpStatus: 401, code: 138006, subcode: 2494010, message: "(#138006) No approved call permission found",
            type: "OAuthException", details: "No approved call permission from the recipient",
            userTitle: "No call permission", userMessage: "Ask the user for call permission first",
            fbtraceID: "AbCdEf123138", kind: .noPermission))
    }

    @Test(arguments: [
        ("error-138006-no-permission.json", 401, GraphError.Kind.noPermission),
        ("error-190-token-expired.json", 401, .auth),
        ("error-10-permission-denied.json", 403, .auth),
        ("error-138000-calling-disabled.json", 401, .auth),
        ("error-130429-throughput.json", 400, .rateLimited),
        ("error-613-permission-rate.json", 429, .rateLimited),
        ("error-100-sdp.json", 400, .invalidSDP),
        ("error-138003-duplicate-call.json", 400, .duplicateCall),
        ("error-138009-request-limit.json", 400, .permissionRequestLimit),
        ("error-138017-permanent-exists.json", 400, .permissionRequestLimit),
        ("error-131047-window-closed.json", 400, .windowClosed),
        ("error-100-invalid-call-id.json", 400, .callNotFound),
        ("error-131009-already-terminated.json", 400, .callNotFound),
        ("error-138012-daily-limit.json", 400, .other),
        ("error-not-json.html", 502, .other),
        ("error-not-json.html", 429, .rateLimited),
    ])
    func kinds(name: String, status: Int, kind: GraphError.Kind) {
        #expect(GraphError(httpStatus: status, body: Fixture.bytes("graph/" + name)).kind == kind)
    }

    @Test(arguments: [
        (Int64(0), GraphError.Kind.auth), (4, .rateLimited), (200, .auth), (299, .auth), (300, .other), (80007, .rateLimited),
        (131056, .rateLimited), (138002, .rateLimited), (138005, .rateLimited), (131000, .other),
    ])
    func codeTable(code: Int64, kind: GraphError.Kind) {
        let body = Array(#"{"error":{"message":"m","type":"OAuthException","code":\#(code)}}"#.utf8)
        #expect(GraphError(httpStatus: 400, body: body).kind == kind)
    }

    @Test func malformedEnvelopesKeepTheTrimmedText() {
        let error = GraphError(httpStatus: 500, body: Array("  {\"error\": \"boom\"}\n".utf8))
        #expect(error.kind == .other && error.code == nil && error.message == "{\"error\": \"boom\"}")
        let long = GraphError(httpStatus: 500, body: Array(repeating: UInt8(ascii: "x"), count: 5000))
        #expect(long.message.count == GraphError.maximumRawMessageLength)
        #expect(GraphError(httpStatus: 500, body: []).message == "")
    }

    @Test(arguments: [
        (#"{"error":{"message":"No fingerprint found in SDP","code":131000}}"#, GraphError.Kind.invalidSDP),
        (#"{"error":{"message":"(#100) Invalid parameter","code":100,"error_data":{"details":"a=ice-pwd missing"}}}"#, .invalidSDP),
        (#"{"error":{"message":"(#100) Invalid parameter","code":100,"error_data":{"details":"to must be digits"}}}"#, .other),
        (#"{"error":{"message":"Call not found for call_id wacid.X","code":131009}}"#, .callNotFound),
        (#"{"error":{"message":"Reject already in progress","code":131009}}"#, .other),
        (#"{"error":{"message":"Call already completed","code":131000}}"#, .callNotFound),
    ])
    func messageRules(body: String, kind: GraphError.Kind) {
        #expect(GraphError(httpStatus: 400, body: Array(body.utf8)).kind == kind)
    }

    @Test func stringCodesAreRead() {
        let error = GraphError(httpStatus: 400, body: Array(#"{"error":{"message":"x","code":"131047"}}"#.utf8))
        #expect(error.code == 131047 && error.kind == .windowClosed)
    }

    @Test func validatorEnvelopesReadBackAsTheirKind() {
        let rejection = GraphRequestRejection(.invalidSDP, parameter: "session.sdp", "No fingerprint found in SDP")
        let error = GraphError(httpStatus: rejection.httpStatus, body: rejection.envelope(fbtraceID: "Sandbox1"))
        #expect(error.code == 100 && error.kind == .invalidSDP && error.fbtraceID == "Sandbox1")
        #expect(error.details == "invalidSDP (session.sdp): No fingerprint found in SDP")
        let token = GraphRequestRejection(.missingAccessToken, "no token")
        #expect(GraphError(httpStatus: token.httpStatus, body: token.envelope(fbtraceID: "t")).kind == .auth)
    }
}
