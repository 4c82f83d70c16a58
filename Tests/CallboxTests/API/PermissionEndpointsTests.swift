import CallCore
import Runtime
import Testing
import WhatsApp
@testable import Callbox

/// The HTTP side of `/api/permissions/…`: what the widget gets back for each outcome.
@Suite struct PermissionEndpointsTests {
    private func post(_ endpoints: PermissionEndpoints, _ route: String, _ body: String) throws -> (Int, JSONValue) {
        var response: HTTPResponse?
        let request = HTTPRequest(method: "POST", path: "/api/permissions/\(route)", body: Array(body.utf8))
        if route == "request" {
            endpoints.request(request) { response = $0 }
        } else {
            endpoints.validate(request) { response = $0 }
        }
        let answer = try #require(response)
        return (answer.status, try JSONParser.parse(answer.body))
    }

    @Test(arguments: [("request", "[]", "bad_json"), ("request", #"{"phone":"call me"}"#, "bad_phone"),
                      ("request", #"{"phone":"34600111222","body":7}"#, "bad_body"),
                      ("request", #"{"phone":"34600111222","body":""}"#, "bad_body"),
                      ("validate", "not json", "bad_json"), ("validate", #"{}"#, "bad_phone")])
    func badInputIs400WithItsCode(route: String, body: String, code: String) throws {
        let box = try PermissionFixture()
        let (status, json) = try post(PermissionEndpoints(permissions: box.permissions), route, body)
        #expect(status == 400 && json["error"]?["code"]?.string == code)
        #expect(box.graph.requests.isEmpty)
    }

    @Test func aBodyOverTheInteractiveLimitIs400() throws {
        let box = try PermissionFixture()
        let text = String(repeating: "a", count: PermissionEndpoints.maximumBodyLength + 1)
        let (status, _) = try post(PermissionEndpoints(permissions: box.permissions), "request",
                                   #"{"phone":"34600111222","body":"\#(text)"}"#)
        #expect(status == 400)
    }

    @Test func aSentRequestIs200WithItsWamidAndARefusedOne422NamingTheRule() throws {
        let box = try PermissionFixture()
        let endpoints = PermissionEndpoints(permissions: box.permissions)
        box.scriptSent("wamid.REQ1")
        let (sent, json) = try post(endpoints, "request", #"{"phone":"+34 600 111 222","body":"May we call?"}"#)
        #expect(sent == 200 && json["wamid"]?.string == "wamid.REQ1" && json["state"]?.string == "requested")
        box.now = PermissionFixture.start + .hours(3)
        let (refused, error) = try post(endpoints, "request", #"{"phone":"34600111222"}"#)
        #expect(refused == 422)
        #expect(error["error"]?["code"]?.string == "request_cooldown" && error["error"]?["rule"]?.string == "request_cooldown")
        #expect(error["error"]?["next_allowed_at"]?.string == "2026-01-02T00:00:00Z")
        #expect(error["error"]?["message"]?.string?.hasSuffix("Next allowed at 2026-01-02 00:00:00Z.") == true)
        #expect(error["error"]?["refused_by"]?.string == "box")
        #expect(box.graph.requests(to: PermissionFixture.messagesPath).count == 1)
    }

    @Test func aClosedServiceWindowIs422WithMetasExplanation() throws {
        let box = try PermissionFixture()
        box.graph.script(PermissionFixture.messagesPath, status: 400, ["error": [
            "message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
            "error_data": ["messaging_product": "whatsapp", "details": "More than 24 hours have passed"]]])
        let (status, json) = try post(PermissionEndpoints(permissions: box.permissions), "request", #"{"phone":"34600111222"}"#)
        #expect(status == 422 && json["error"]?["code"]?.string == "window_closed")
        #expect(json["error"]?["message"]?.string?.contains("More than 24 hours have passed") == true)
        #expect(try box.journal.permissions.record(contactKey: "34600111222") == nil)
    }

    @Test func metaNotAnsweringIs504AndUnreachable502() throws {
        let box = try PermissionFixture()
        let endpoints = PermissionEndpoints(permissions: box.permissions)
        box.graph.answers[PermissionFixture.messagesPath] = [.failure(.timedOut), .failure(.couldNotConnect("refused"))]
        #expect(try post(endpoints, "request", #"{"phone":"34600111222"}"#).0 == 504)
        #expect(try post(endpoints, "request", #"{"phone":"34600111222"}"#).0 == 502)
    }

    @Test func validateIs200WhetherOrNotTheCallIsAllowed() throws {
        let box = try PermissionFixture()
        let endpoints = PermissionEndpoints(permissions: box.permissions)
        box.scriptMeta(["status": "no_permission"])
        let (refused, no) = try post(endpoints, "validate", #"{"phone":"34600111222"}"#)
        #expect(refused == 200 && no["allowed"] == false && no["rule"]?.string == "no_permission")
        #expect(no["checked_with_meta"] == true && no["request"]?["allowed"] == true)
        box.now = PermissionFixture.start + .minutes(1)
        box.scriptMeta(["status": "permanent"])
        let (allowed, yes) = try post(endpoints, "validate", #"{"phone":"34600111222"}"#)
        #expect(allowed == 200 && yes["allowed"] == true && yes["rule"] == .null)
        #expect(yes["corrected_from"]?.string == "none" && yes["request"]?["rule"]?.string == "permanent_exists")
    }

    @Test func statusOfABadPhoneIs400AndOfAGoodOne200() throws {
        let box = try PermissionFixture()
        let endpoints = PermissionEndpoints(permissions: box.permissions)
        #expect(endpoints.status(phone: "abc").status == 400)
        let response = endpoints.status(phone: "+34600111222")
        #expect(response.status == 200)
        #expect(try JSONParser.parse(response.body)["state"]?.string == "none")
        #expect(box.graph.requests.isEmpty, "status answers from the ledger")
    }
}
