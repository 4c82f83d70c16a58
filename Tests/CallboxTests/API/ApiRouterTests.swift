import CallCore
import Journal
import Runtime
import Testing
@testable import Callbox

@Suite(.serialized) struct ApiRouterTests {
    @Test func everyRouteButLoginRefusesARequestWithoutASession() throws {
        let api = try ApiHarness()
        #expect(api.router.endpoints == ApiEndpoint.allCases)
        #expect(ApiEndpoint.allCases.filter { !$0.needsSession } == [.login])
        for endpoint in api.router.endpoints where endpoint.needsSession {
            for cookie in [nil, "callbox_session=unknown-token"] {
                let headers = cookie.map { [(name: "Cookie", value: $0)] } ?? []
                let response = try api.send(endpoint.method, ApiHarness.samplePath(endpoint), headers: headers)
                #expect(response.status == 401, "\(endpoint)")
                #expect(ApiHarness.errorCode(response) == "no_session", "\(endpoint)")
            }
        }
        #expect(api.reached.isEmpty)
    }

    @Test func everyStateChangingRouteRefusesAMissingOrWrongCSRFToken() throws {
        let api = try ApiHarness()
        try api.openSession()
        let cookie = (name: "Cookie", value: "theme=dark; callbox_session=test-session-token")
        let stateChanging = api.router.endpoints.filter { $0.needsSession && $0.changesState }
        #expect(!stateChanging.isEmpty)
        for endpoint in stateChanging {
            for token in [nil, "test-csrf-tokem", "test-csrf-token-longer", ""] {
                var headers = [cookie]
                if let token { headers.append((name: "X-CSRF-Token", value: token)) }
                let response = try api.send(endpoint.method, ApiHarness.samplePath(endpoint), headers: headers)
                #expect(response.status == 403, "\(endpoint) with \(token ?? "no token")")
                #expect(ApiHarness.errorCode(response) == "csrf")
            }
            let accepted = try api.send(endpoint.method, ApiHarness.samplePath(endpoint),
                                        headers: [cookie, (name: "X-CSRF-Token", value: "test-csrf-token")])
            #expect(accepted.status == 200, "\(endpoint)")
        }
        for endpoint in api.router.endpoints where endpoint.needsSession && !endpoint.changesState {
            #expect(try api.send(endpoint.method, ApiHarness.samplePath(endpoint), headers: [cookie]).status == 200, "\(endpoint)")
        }
        #expect(api.reached == stateChanging + api.router.endpoints.filter { $0.needsSession && !$0.changesState })
    }

    @Test func unknownPathsAndWrongMethods() throws {
        let api = try ApiHarness()
        try api.openSession()
        let cookie = (name: "Cookie", value: "callbox_session=test-session-token")
        let unknown = try api.send("GET", "/api/nope", headers: [cookie])
        #expect(unknown.status == 404 && ApiHarness.errorCode(unknown) == "not_found")
        #expect(try api.send("GET", "/api/nope").status == 401, "strangers learn nothing of the API's shape")
        let wrong = try api.send("DELETE", "/api/me", headers: [cookie])
        #expect(wrong.status == 405 && wrong.header("allow") == "GET")
        let login = try api.send("GET", "/api/login")
        #expect(login.status == 405 && login.header("allow") == "POST")
    }

    @Test func patternsBindParameters() {
        #expect(ApiRouter.match("/api/calls/{id}/answer", "/api/calls/wacid.X/answer") == ["id": "wacid.X"])
        #expect(ApiRouter.match("/api/calls/{id}/answer", "/api/calls//answer") == nil)
        #expect(ApiRouter.match("/api/calls/{id}/answer", "/api/calls/x/answer/") == nil)
        #expect(ApiRouter.match("/api/me", "/api/me") == [:])
        #expect(ApiRouter.match("/api/me", "/api/mee") == nil)
    }

    @Test func signsInOffTheLoopAndTheSessionWorks() throws {
        let api = try ApiHarness()
        let login = try api.send("POST", "/api/login", body: #"{"email": "Demo@Callbox.Example", "password": "callbox-demo"}"#)
        #expect(login.status == 200)
        let answer = try JSONParser.parse(login.body)
        #expect(answer["agent"]?["name"]?.string == "demo")
        let csrf = try #require(answer["csrf_token"]?.string)
        let setCookie = try #require(login.header("set-cookie"))
        let token = String(setCookie.prefix { $0 != ";" }.dropFirst("callbox_session=".count))
        #expect(token.count == 43, "32 random bytes in unpadded base64url")
        let stored = try #require(try api.journal.agentSessions.session(tokenHash: SessionToken.hash(token), at: api.clock.now))
        #expect(stored.csrfToken == csrf && stored.agent.email == "demo@callbox.example")
        let me = try api.send("GET", "/api/me", headers: [(name: "Cookie", value: "callbox_session=\(token)")])
        #expect(me.status == 200)

        // Login CSRF (issue 10): a cross-site form posts text/plain; another site's page names its origin.
        let form = try api.send("POST", "/api/login", headers: [("Content-Type", "text/plain")],
                                body: #"{"email": "demo@callbox.example", "password": "callbox-demo"}"#)
        #expect(form.status == 415 && ApiHarness.errorCode(form) == "not_json")
        let foreign = try api.send("POST", "/api/login", headers: [("Origin", "https://evil.example")],
                                   body: #"{"email": "demo@callbox.example", "password": "callbox-demo"}"#)
        #expect(foreign.status == 403 && ApiHarness.errorCode(foreign) == "foreign_origin")
        let ownPage = try api.send("POST", "/api/login", headers: [("Origin", "http://127.0.0.1:\(api.port)")],
                                   body: #"{"email": "demo@callbox.example", "password": "callbox-demo"}"#)
        #expect(ownPage.status == 200, "the box's own page signs in")
        let wrong = try api.send("POST", "/api/login", body: #"{"email": "demo@callbox.example", "password": "callbox-demO"}"#)
        #expect(wrong.status == 401 && ApiHarness.errorCode(wrong) == "bad_credentials")
    }

    @Test func underTLSTheSignInCookieIsForHubSpotsIframe() throws {
        let api = try ApiHarness(secureCookie: true)
        let login = try api.send("POST", "/api/login", body: #"{"email": "demo@callbox.example", "password": "callbox-demo"}"#)
        #expect(login.status == 200)
        let attributes = try #require(login.header("set-cookie")).split(separator: ";").dropFirst()
            .map { $0.trimmingPrefix(" ") }.map(String.init)
        #expect(attributes == ["Max-Age=604800", "Path=/", "HttpOnly", "Secure", "SameSite=None", "Partitioned"])
        #expect(login.header("cache-control") == "no-store")
    }
}
