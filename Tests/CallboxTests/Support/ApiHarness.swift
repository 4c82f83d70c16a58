import CallCore
import Config
import Glibc
import Journal
import Runtime
@testable import Callbox

/// A clock the test moves by hand.
final class TestClock {
    var now: Instant
    init(_ start: Instant) { now = start }
}

/// The `/api` router on a real loopback server over a real journal in a fresh directory,
/// with the demo config's agent (password `callbox-demo`) and handlers that only record
/// that they were reached.
final class ApiHarness {
    static let start = Instant(unixSeconds: 1_767_225_600)

    let loop = EventLoop()
    let folder: String
    let journal: Journal
    let clock = TestClock(ApiHarness.start)
    let authentication: AgentAuthentication
    let router: ApiRouter
    let client: HTTPClient
    private(set) var server: HTTPServer?
    private(set) var reached: [ApiEndpoint] = []

    init(secureCookie: Bool = false) throws {
        var template = Array("/tmp/callbox-api-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        folder = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        journal = try Journal(directory: folder)
        let agents = try ConfigLoader.loadDemo(workingDirectory: folder).get().agents
        let clock = clock
        authentication = AgentAuthentication(journal: journal, agents: agents, secureCookie: secureCookie, loop: loop,
                                             now: { clock.now })
        try authentication.syncAgents()
        var record: (ApiEndpoint) -> Void = { _ in }
        router = ApiRouter(authentication: authentication) { [authentication] endpoint in
            switch endpoint {
            case .login: return .open(authentication.login)
            default: return .agent { _, responder in
                record(endpoint)
                responder.respond(.json(200, Array("{}".utf8)))
            }
            }
        }
        client = HTTPClient(loop: loop)
        record = { [unowned self] in reached.append($0) }
        let router = router
        server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { request, responder in
            router.route(request, responder)
        }
    }

    deinit {
        try? journal.close()
        for name in ["callbox.db", "callbox.db-wal", "callbox.db-shm"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }

    /// A session stored directly, as a sign-in would leave it.
    func openSession(token: String = "test-session-token", csrf: String = "test-csrf-token") throws {
        try journal.agentSessions.createSession(tokenHash: SessionToken.hash(token), agent: "demo", csrfToken: csrf,
                                                createdAt: clock.now, expiresAt: clock.now + AgentAuthentication.idleLifetime)
    }

    var port: Int { Int(server?.port ?? 0) }

    func send(_ method: String, _ path: String, headers: [(name: String, value: String)] = [],
              body: String = "{}") throws -> HTTPClientResponse {
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        // The widget's requests are JSON; a test that means otherwise names its own Content-Type.
        let typed = method == "GET" || headers.contains { $0.name.lowercased() == "content-type" }
            ? headers : headers + [("Content-Type", "application/json")]
        client.send(HTTPClientRequest(method: method, url: "http://127.0.0.1:\(server?.port ?? 0)\(path)",
                                      headers: typed, body: Array(body.utf8))) { outcome = $0 }
        let deadline = MonotonicClock.milliseconds() + 10_000
        while outcome == nil, MonotonicClock.milliseconds() < deadline { loop.runOnce(maximumWait: 20) }
        guard let outcome else { throw HTTPClientError.timedOut }
        return try outcome.get()
    }

    static func errorCode(_ response: HTTPClientResponse) -> String? {
        (try? JSONParser.parse(response.body))?["error"]?["code"]?.string
    }

    /// The pattern with every `{name}` filled in.
    static func samplePath(_ endpoint: ApiEndpoint) -> String {
        endpoint.pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") ? "sample" : String($0) }.joined(separator: "/")
    }
}
