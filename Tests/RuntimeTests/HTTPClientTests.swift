import Glibc
import Testing
@testable import Runtime

@Suite struct HTTPClientTests {
    let loop = EventLoop()

    @Test func timesOutASilentServer() throws {
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { _, _ in }
        let client = HTTPClient(loop: loop)
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        let started = MonotonicClock.milliseconds()
        client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/calls", body: [1],
                                      timeoutMilliseconds: 300)) { outcome = $0 }
        #expect(turn(loop) { outcome != nil })
        let elapsed = MonotonicClock.milliseconds() - started
        #expect(elapsed >= 250 && elapsed < 3_000)
        #expect(throws: HTTPClientError.timedOut) { try outcome?.get() }
        #expect(client.transfersInFlight == 0)
    }

    @Test func reportsARefusedConnectionAsCertainlyNotSent() throws {
        let client = HTTPClient(loop: loop)
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        // Port 1 on loopback: nothing listens there.
        client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:1/")) { outcome = $0 }
        #expect(turn(loop) { outcome != nil })
        guard case let .failure(error)? = outcome else { Issue.record("expected a failure"); return }
        #expect(error.certainlyNotSent)
    }

    @Test func runsManyRequestsConcurrentlyOnOneLoop() throws {
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { request, responder in
            responder.respond(.text(200, request.path))
        }
        let client = HTTPClient(loop: loop)
        var answers: [String] = []
        for index in 0..<20 {
            client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/n\(index)")) { result in
                if case let .success(response) = result { answers.append(String(decoding: response.body, as: UTF8.self)) }
            }
        }
        #expect(turn(loop) { answers.count == 20 })
        #expect(Set(answers) == Set((0..<20).map { "/n\($0)" }))
    }
}
