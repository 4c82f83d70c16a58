import Glibc
import Testing
@testable import Runtime

@Suite struct HTTPStreamTests {
    let loop = EventLoop()

    /// Reads from `client` while the loop turns until the text so far satisfies `done`.
    func read(_ client: RawClient, into text: inout String, until done: (String) -> Bool) -> Bool {
        turn(loop) {
            text += String(decoding: client.receiveAvailable(), as: UTF8.self)
            return done(text)
        }
    }

    func streamingServer(_ opened: @escaping (HTTPStream) -> Void) throws -> HTTPServer {
        try HTTPServer(loop: loop, options: HTTPServerOptions(host: "127.0.0.1", port: 0)) { _, responder in
            let stream = HTTPStream(capacityBytes: 1_024)
            opened(stream)
            responder.respond(HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream")], stream: stream))
        }
    }

    /// The stream a server opened, and whether it has ended.
    final class Opened {
        var stream: HTTPStream?
        var ended = false
    }

    /// A server whose stream sends "first\n" as soon as it opens.
    func serverSayingFirst(_ opened: Opened) throws -> HTTPServer {
        try streamingServer {
            $0.onEnd = { opened.ended = true }
            $0.send(Array("first\n".utf8))
            opened.stream = $0
        }
    }

    @Test func sendsWhatIsQueuedWhenItIsQueuedAndEndsOnClose() throws {
        let opened = Opened()
        let server = try serverSayingFirst(opened)
        let client = try #require(RawClient(port: server.port))
        client.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        var text = ""
        #expect(read(client, into: &text) { $0.contains("first\n") })
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.lowercased().contains("transfer-encoding: chunked"))
        loop.schedule(afterMilliseconds: 20) { opened.stream?.send(Array("second\n".utf8)) }
        #expect(read(client, into: &text) { $0.contains("second\n") })
        #expect(!opened.ended)
        opened.stream?.close()
        #expect(read(client, into: &text) { $0.hasSuffix("0\r\n\r\n") }, "the chunked body ends")
        #expect(turn(loop) { opened.ended })
    }

    @Test func aClientThatLeftEndsTheStreamAtTheNextWrite() throws {
        var stream: HTTPStream?
        var ended = false
        let server = try streamingServer {
            $0.onEnd = { ended = true }
            stream = $0
        }
        var client = RawClient(port: server.port)
        client?.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(turn(loop) { stream != nil })
        client = nil
        #expect(turn(loop) {
            stream?.send(Array(": ping\n\n".utf8))
            return ended
        })
        #expect(stream?.isClosed == true)
    }

    @Test func aClientThatLeavesAWaitingStreamEndsItAtOnceWithoutAWrite() throws {
        let opened = Opened()
        let server = try serverSayingFirst(opened)
        var client = RawClient(port: server.port)
        client?.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        var text = ""
        if let client { #expect(read(client, into: &text) { $0.contains("first\n") }) }
        // Everything queued is sent: the connection is suspended, waiting for the next event.
        _ = turn(loop, within: 100) { false }
        client = nil
        // Nothing is written, yet the stream ends: a reloaded widget gets its slot back at once.
        let started = MonotonicClock.milliseconds()
        #expect(turn(loop, within: 1_000) { opened.ended })
        #expect(MonotonicClock.milliseconds() - started < 500)
        #expect(opened.stream?.isClosed == true)
        #expect(turn(loop, within: 1_000) { server.openConnections == 0 })
    }

    @Test func aClientTooFarBehindIsDropped() {
        let stream = HTTPStream(capacityBytes: 10)
        #expect(stream.send(Array("12345".utf8)))
        #expect(stream.send(Array("67890".utf8)))
        #expect(!stream.send(Array("x".utf8)))
        #expect(stream.isClosed)
        #expect(!stream.send(Array("y".utf8)), "a closed stream takes nothing")
    }

    @Test func shutDownClosesOpenStreamsSoTheDrainFinishes() throws {
        var stream: HTTPStream?
        let server = try streamingServer { stream = $0 }
        let client = try #require(RawClient(port: server.port))
        client.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(turn(loop) { stream != nil })
        var stopped = false
        server.shutDown { stopped = true }
        #expect(turn(loop) { stopped })
        var text = ""
        #expect(read(client, into: &text) { $0.hasSuffix("0\r\n\r\n") })
    }
}
