import Glibc
import Testing
@testable import Runtime

@Suite struct HTTPServerTests {
    let loop = EventLoop()

    func exchange(_ client: HTTPClient, _ request: HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>? {
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        client.send(request) { outcome = $0 }
        turn(loop) { outcome != nil }
        return outcome
    }

    @Test func answersARouteWithHeadersQueryAndBody() throws {
        var seen: HTTPRequest?
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { request, responder in
            seen = request
            responder.respond(.json(201, Array("{\"ok\":true}".utf8)))
        }
        let client = HTTPClient(loop: loop)
        let result = exchange(client, HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/webhook?hub.mode=subscribe&x=a%20b",
            headers: [("X-Hub-Signature-256", "sha256=00")], body: Array("hello".utf8)))
        let response = try #require(try result?.get())
        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"ok\":true}")
        #expect(response.header("content-type") == "application/json")
        #expect(seen?.path == "/webhook")
        #expect(seen?.queryValue("hub.mode") == "subscribe")
        #expect(seen?.queryValue("x") == "a b")
        #expect(seen?.header("X-HUB-SIGNATURE-256") == "sha256=00")
        #expect(seen?.body == Array("hello".utf8))
        #expect(seen?.remoteAddress == "127.0.0.1")
    }

    @Test func answersLaterFromAnotherCallbackWhileOtherRequestsProceed() throws {
        var parked: [HTTPResponder] = []
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { request, responder in
            if request.path == "/slow" { parked.append(responder) } else { responder.respond(.text(200, "fast")) }
        }
        let client = HTTPClient(loop: loop)
        var slow: Result<HTTPClientResponse, HTTPClientError>?
        client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/slow")) { slow = $0 }
        #expect(turn(loop) { parked.count == 1 })
        let fast = exchange(client, HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/fast"))
        #expect(try fast?.get().status == 200)
        #expect(slow == nil)
        loop.schedule(afterMilliseconds: 10) { parked[0].respond(.text(202, "late")) }
        #expect(turn(loop) { slow != nil })
        #expect(try slow?.get().status == 202)
        #expect(try slow.map { String(decoding: try $0.get().body, as: UTF8.self) } == "late")
    }

    @Test func refusesABodyOverTheLimitWith413() throws {
        var routed = 0
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0, maxBodyBytes: 1_000)) { _, responder in
            routed += 1
            responder.respond(.text(200, "ok"))
        }
        let client = HTTPClient(loop: loop)
        let declared = exchange(client, HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/webhook",
                                                          body: [UInt8](repeating: 65, count: 1_001)))
        #expect(try declared?.get().status == 413)
        let chunked = exchange(client, HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/webhook",
                                                         headers: [("Transfer-Encoding", "chunked")],
                                                         body: [UInt8](repeating: 65, count: 5_000)))
        #expect(try chunked?.get().status == 413)
        let fits = exchange(client, HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/webhook",
                                                      body: [UInt8](repeating: 65, count: 1_000)))
        #expect(try fits?.get().status == 200)
        #expect(routed == 1)
    }

    @Test func aStalledClientIsClosedAndDoesNotStarveOthers() throws {
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0, idleTimeoutSeconds: 1)) { _, responder in
            responder.respond(.text(200, "ok"))
        }
        let stalled = try #require(RawClient(port: server.port))
        stalled.send("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part")
        let client = HTTPClient(loop: loop)
        for _ in 0..<5 {
            let result = exchange(client, HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/healthz"))
            #expect(try result?.get().status == 200)
        }
        #expect(turn(loop, within: 4_000) { stalled.isClosedByServer() })
    }

    @Test func aTrickledHeadIsCutAtItsDeadlineThoughEveryByteResetsTheIdleTimer() throws {
        var refusals: [ConnectionRefusal] = []
        let options = HTTPServerOptions(host: "127.0.0.1", port: 0, connections: ConnectionPolicy(headMilliseconds: 300))
        let server = try HTTPServer(loop: loop, options: options, onRefusal: { refusals.append($0) }) { _, responder in
            responder.respond(.text(200, "ok"))
        }
        let slow = try #require(RawClient(port: server.port))
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        var trickled = 0
        let cut = turn(loop, within: 3_000) {
            if slow.isClosedByServer() { return true }
            trickled += 1
            if trickled % 20 == 0 { slow.send("X") }
            return false
        }
        #expect(cut)
        #expect(refusals == [.slow])
    }

    @Test func limitsConnectionsPerAddress() throws {
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0, connections: ConnectionPolicy(perAddress: 2))) { _, responder in
            responder.respond(.text(200, "ok"))
        }
        let first = try #require(RawClient(port: server.port))
        let second = try #require(RawClient(port: server.port))
        let third = try #require(RawClient(port: server.port))
        _ = (first, second)
        #expect(turn(loop, within: 2_000) { third.isClosedByServer() })
    }

    @Test func servesHTTPSWithTheConfiguredCertificate() throws {
        let options = HTTPServerOptions(host: "127.0.0.1", port: 0,
                                        tlsCertificatePEM: readFile(fixturePath("tls/test-cert.pem")),
                                        tlsKeyPEM: readFile(fixturePath("tls/test-key.pem")))
        let server = try HTTPServer(loop: loop, options: options) { _, responder in responder.respond(.text(200, "secure")) }
        let client = HTTPClient(loop: loop)
        let refused = exchange(client, HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/healthz"))
        // The certificate is self-signed, so a verifying client must refuse it…
        #expect(throws: HTTPClientError.self) { try refused?.get() }
        // …and one that trusts it as a CA gets the answer over TLS.
        client.trustedCertificateFile = fixturePath("tls/test-cert.pem")
        let trusted = exchange(client, HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/healthz"))
        #expect(try trusted?.get().status == 200)
        #expect(try trusted.map { String(decoding: try $0.get().body, as: UTF8.self) } == "secure")
    }

    @Test func shutDownStopsAcceptingAndFinishesWhatIsInFlight() throws {
        var parked: HTTPResponder?
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { _, responder in
            parked = responder
        }
        let port = server.port
        let client = HTTPClient(loop: loop)
        var inFlight: Result<HTTPClientResponse, HTTPClientError>?
        client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(port)/webhook", body: [1])) { inFlight = $0 }
        #expect(turn(loop) { parked != nil })
        var stopped = false
        server.shutDown { stopped = true }
        #expect(RawClient(port: port) == nil, "no new connections once shutting down")
        #expect(!stopped)
        parked?.respond(.text(200, "committed"))
        #expect(turn(loop) { stopped && inFlight != nil })
        #expect(try inFlight?.get().status == 200)
    }
}

@Suite struct HTTPServerIPv6Tests {
    @Test func listensOnIPv6Loopback() throws {
        let loop = EventLoop()
        let server = try HTTPServer(loop: loop, options: HTTPServerOptions(host: "::1", port: 0)) { request, responder in
            responder.respond(.text(200, request.remoteAddress))
        }
        let client = HTTPClient(loop: loop)
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        client.send(HTTPClientRequest(method: "GET", url: "http://[::1]:\(server.port)/healthz")) { outcome = $0 }
        #expect(turn(loop) { outcome != nil })
        let response = try #require(try outcome?.get())
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "::1")
    }
}
