import CallCore
@testable import Config
import Glibc
import Journal
import Runtime
import WhatsApp
@testable import Callbox

/// A Graph API that answers from a script, at once, and keeps what it was asked.
final class ScriptedGraph: GraphTransport {
    typealias Answer = Result<HTTPClientResponse, HTTPClientError>
    private(set) var requests: [HTTPClientRequest] = []
    /// Answers by the request's path, before the query; an unscripted request fails to connect.
    var answers: [String: [Answer]] = [:]
    /// Answered when a path's own answers ran out.
    var standing: [String: Answer] = [:]

    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        requests.append(request)
        let path = Self.path(request.url)
        if var queued = answers[path], !queued.isEmpty {
            let answer = queued.removeFirst()
            answers[path] = queued
            completion(answer)
        } else {
            completion(standing[path] ?? .failure(.couldNotConnect("no answer scripted for \(path)")))
        }
    }

    func script(_ path: String, status: Int, _ body: JSONValue) {
        answers[path, default: []].append(.success(HTTPClientResponse(status: status, body: JSONWriter.encode(body), headers: [])))
    }

    func requests(to path: String) -> [HTTPClientRequest] {
        requests.filter { Self.path($0.url) == path }
    }

    static func path(_ url: String) -> String {
        String(url.dropFirst(PermissionFixture.baseURL.count).prefix { $0 != "?" })
    }
}

/// A box's permission service on a real journal in a fresh directory, with a clock the test moves.
final class PermissionFixture {
    static let baseURL = "http://graph.test"
    static let number = BusinessNumber(graphVersion: "v24.0", phoneNumberID: "301234567890123")
    static let messagesPath = "/v24.0/301234567890123/messages"
    static let permissionsPath = "/v24.0/301234567890123/call_permissions"
    static let callsPath = "/v24.0/301234567890123/calls"
    static let start = Instant(unixSeconds: 1_767_225_600)

    let directory: String
    let journal: Journal
    let graph = ScriptedGraph()
    let client: GraphClient
    var now = start
    private(set) var permissions: CallPermissions!

    init(settings: PermissionSettings = PermissionFixture.defaultSettings) throws {
        var template = Array("/tmp/permissions-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        journal = try Journal(directory: directory)
        client = GraphClient(transport: graph, baseURL: Self.baseURL, accessToken: "token")
        permissions = CallPermissions(settings: settings, journal: journal, graph: client, number: Self.number,
                                      clock: { [unowned self] in now })
    }

    deinit {
        try? journal.close()
        for suffix in ["", "-wal", "-shm"] { unlink(directory + "/" + Journal.fileName + suffix) }
        rmdir(directory)
    }

    static let defaultSettings = PermissionSettings(
        requestCooldown: PermissionRules.defaultRequestCooldown, maxRequestsPerWeek: PermissionRules.defaultMaxRequestsPerWeek,
        temporaryValidity: PermissionRules.defaultTemporaryValidity, revokeAfterMissed: PermissionRules.defaultRevokeAfterMissed)

    func scriptSent(_ wamid: String) {
        graph.script(Self.messagesPath, status: 200, ["messaging_product": "whatsapp",
                                                      "messages": [["id": .string(wamid)]]])
    }

    func scriptMeta(_ permission: JSONValue, actions: JSONValue = []) {
        graph.script(Self.permissionsPath, status: 200, ["messaging_product": "whatsapp", "permission": permission,
                                                         "actions": actions])
    }

    /// `request` with the outcome the synchronous script delivers before it returns.
    func request(_ user: CallCore.WhatsAppUser, body: String? = nil) throws -> PermissionRequestOutcome {
        var outcome: PermissionRequestOutcome?
        permissions.request(user, bodyText: body) { outcome = $0 }
        return try unwrap(outcome)
    }

    func validate(_ user: CallCore.WhatsAppUser) throws -> PermissionStatus {
        var outcome: Result<PermissionStatus, Error>?
        permissions.validate(user) { outcome = $0 }
        return try unwrap(outcome).get()
    }

    func history(_ key: String) throws -> [String] {
        try journal.permissions.history(contactKey: key).map { "\($0.reason)/\($0.source)" }
    }

    private func unwrap<T>(_ value: T?) throws -> T {
        guard let value else { throw FixtureError.noAnswer }
        return value
    }

    enum FixtureError: Error { case noAnswer }
}

extension PermissionRequestOutcome {
    var refusal: PermissionRefusal? {
        if case let .refused(refusal, _, _) = self { return refusal }
        return nil
    }

    var refusedByMeta: Bool? {
        if case let .refused(_, byMeta, _) = self { return byMeta }
        return nil
    }

    var wamid: String? {
        if case let .sent(wamid, _) = self { return wamid }
        return nil
    }
}
