import CMicroHTTPD
import CShims
import Glibc

public struct HTTPServerOptions: Sendable {
    /// Address to bind: an IPv4 or IPv6 literal ("0.0.0.0" or "::" for every interface).
    public var host: String
    /// 0 picks a free port (tests); `HTTPServer.port` tells which.
    public var port: UInt16
    public var maxBodyBytes: Int
    /// Who may hold how many connections, and how long a request may take to arrive.
    public var connections: ConnectionPolicy
    /// A connection silent for this long is closed, whatever it is doing.
    public var idleTimeoutSeconds: UInt32
    public var tlsCertificatePEM: String?
    public var tlsKeyPEM: String?

    public init(host: String, port: UInt16, maxBodyBytes: Int = 1 << 20,
                connections: ConnectionPolicy = ConnectionPolicy(),
                idleTimeoutSeconds: UInt32 = HTTPServerOptions.defaultIdleTimeoutSeconds,
                tlsCertificatePEM: String? = nil, tlsKeyPEM: String? = nil) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.connections = connections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.tlsCertificatePEM = tlsCertificatePEM
        self.tlsKeyPEM = tlsKeyPEM
    }

    /// Meta gives up on a webhook after ~20 s (spec §1.2); nobody legitimate idles longer.
    public static let defaultIdleTimeoutSeconds: UInt32 = 30
    /// Per-connection buffer for headers; libmicrohttpd's default (32 KiB) is plenty.
    static let connectionMemoryBytes = 32 * 1024
}

public enum HTTPServerError: Error, CustomStringConvertible {
    case cannotStart(host: String, port: UInt16, tls: Bool)

    public var description: String {
        switch self {
        case let .cannotStart(host, port, tls):
            "cannot listen on \(host):\(port)\(tls ? " with TLS" : "") (address in use, bad address, or bad certificate/key)"
        }
    }
}

/// Lets a route answer now or later. A route that does not answer before returning
/// leaves its connection suspended — it costs no poll time — until `respond` is called
/// from any later loop callback (the inbox commit, a Graph reply, a timer).
public struct HTTPResponder {
    fileprivate let exchange: HTTPExchange

    public func respond(_ response: HTTPResponse) {
        exchange.server?.deliver(response, to: exchange)
    }
}

/// The state of one request inside libmicrohttpd, owned through the connection's
/// per-request pointer from the first callback until the completion callback.
fileprivate final class HTTPExchange {
    weak var server: HTTPServer?
    let connection: OpaquePointer
    var request: HTTPRequest
    var bodyTooLarge = false
    var dispatched = false
    var suspended = false
    var finished = false
    var response: HTTPResponse?

    init(server: HTTPServer, connection: OpaquePointer, request: HTTPRequest) {
        self.server = server
        self.connection = connection
        self.request = request
    }
}

/// The box's one HTTP server: libmicrohttpd driven from the box's own event loop through
/// its epoll descriptor (no server threads), so routes run on the loop that owns the
/// call state. Bodies are collected up to `maxBodyBytes`; beyond it the answer is 413.
public final class HTTPServer {
    public typealias Handler = (HTTPRequest, HTTPResponder) -> Void

    private var daemon: OpaquePointer?
    private let loop: EventLoop
    private let handler: Handler
    private let options: HTTPServerOptions
    private let epollDescriptor: Int32
    private var runScheduled = false
    private var insideRun = false
    private var inFlight = 0
    /// libmicrohttpd aborts if stopped while a connection is suspended, so the server
    /// knows which are and answers them before it stops.
    private var suspended: [ObjectIdentifier: HTTPExchange] = [:]
    private var drainCompletion: (() -> Void)?
    /// Streaming responses still open; closed on shutdown so the drain can finish.
    private var streams: [ObjectIdentifier: HTTPStream] = [:]
    private var connections: ConnectionTable<OpaquePointer>
    private var deadlineCheck: EventLoop.TimerID?
    /// Told of each connection turned away at accept or cut at its deadline (for `/metrics`).
    private let onRefusal: (ConnectionRefusal) -> Void
    public private(set) var port: UInt16 = 0

    public init(loop: EventLoop, options: HTTPServerOptions, onRefusal: @escaping (ConnectionRefusal) -> Void = { _ in },
                handler: @escaping Handler) throws {
        self.loop = loop
        self.options = options
        self.onRefusal = onRefusal
        self.handler = handler
        connections = ConnectionTable(policy: options.connections)
        var started: OpaquePointer?
        let box = ServerBox()
        let boxPointer = Unmanaged.passRetained(box).toOpaque()
        box.callbacks.pointee = cb_mhd_callbacks(access: accessHandler, completed: completedHandler,
                                                 connection: connectionHandler, admission: admissionHandler,
                                                 context: boxPointer)
        started = options.host.withCString { host in
            withOptionalCString(options.tlsKeyPEM) { key in
                withOptionalCString(options.tlsCertificatePEM) { cert in
                    var settings = cb_mhd_options(
                        port: options.port, bind_host: host,
                        // The table admits or refuses each connection (per address too); the total is a backstop.
                        connection_limit: UInt32(options.connections.limit),
                        per_ip_limit: 0,
                        connection_timeout_seconds: options.idleTimeoutSeconds,
                        memory_limit: HTTPServerOptions.connectionMemoryBytes,
                        tls_key_pem: key, tls_cert_pem: cert)
                    return cb_mhd_start(&settings, box.callbacks)
                }
            }
        }
        guard let started else {
            Unmanaged<ServerBox>.fromOpaque(boxPointer).release()
            throw HTTPServerError.cannotStart(host: options.host, port: options.port, tls: options.tlsKeyPEM != nil)
        }
        daemon = started
        epollDescriptor = cb_mhd_epoll_fd(started)
        port = cb_mhd_bound_port(started)
        self.boxPointer = boxPointer
        box.server = self
        loop.watch(epollDescriptor, for: .readable) { [weak self] _ in self?.runDaemon() }
        loop.addPreparation { [weak self] in self?.millisecondsUntilDaemonTimeout() }
    }

    private var boxPointer: UnsafeMutableRawPointer?

    deinit {
        stopDaemon()
    }

    public var openConnections: Int {
        guard let daemon else { return 0 }
        return Int(cb_mhd_current_connections(daemon))
    }

    /// SIGTERM: stop accepting, let requests in flight finish (their routes may still be
    /// waiting on the inbox commit), then stop. `completion` runs on the loop.
    public func shutDown(completion: @escaping () -> Void) {
        guard let daemon else { completion(); return }
        let listener = MHD_quiesce_daemon(daemon)
        if listener >= 0 { close(listener) }
        drainCompletion = completion
        for stream in streams.values { stream.close() }
        finishDrainIfIdle()
    }

    private func finishDrainIfIdle() {
        guard inFlight == 0, let completion = drainCompletion else { return }
        drainCompletion = nil
        // Let libmicrohttpd flush the last queued responses before closing sockets.
        runDaemon()
        stopDaemon()
        completion()
    }

    private func stopDaemon() {
        guard let daemon else { return }
        if let deadlineCheck { loop.cancel(deadlineCheck) }
        deadlineCheck = nil
        for stream in streams.values { stream.close() }
        for exchange in suspended.values {
            deliver(.json(503, Array("{\"error\":{\"code\":\"shutting_down\",\"message\":\"the box is stopping\"}}".utf8)), to: exchange)
        }
        if !insideRun { _ = MHD_run(daemon) }
        self.daemon = nil
        loop.unwatch(epollDescriptor)
        MHD_stop_daemon(daemon)
        if let boxPointer {
            Unmanaged<ServerBox>.fromOpaque(boxPointer).release()
            self.boxPointer = nil
        }
    }

    private func runDaemon() {
        guard let daemon, !insideRun else { return }
        insideRun = true
        _ = MHD_run(daemon)
        insideRun = false
    }

    /// libmicrohttpd's own deadlines (idle connections to close) need MHD_run even when
    /// no socket is ready, so the loop is told how long it may sleep and the daemon runs
    /// once that time is up.
    private func millisecondsUntilDaemonTimeout() -> Int64? {
        guard let daemon else { return nil }
        if let due = daemonDeadline, MonotonicClock.milliseconds() >= due {
            daemonDeadline = nil
            runDaemon()
        }
        var timeout: UInt64 = 0
        guard self.daemon != nil, MHD_get_timeout(daemon, &timeout) == mhdYes else {
            daemonDeadline = nil
            return nil
        }
        let wait = Int64(clamping: timeout)
        daemonDeadline = MonotonicClock.milliseconds() + wait
        return wait
    }

    private var daemonDeadline: Int64?

    /// Runs libmicrohttpd once more soon, after resumed connections; coalesced so a batch
    /// of answers costs one run.
    private func scheduleRun() {
        guard !runScheduled else { return }
        runScheduled = true
        loop.schedule(afterMilliseconds: 0) { [weak self] in
            self?.runScheduled = false
            self?.runDaemon()
        }
    }

    fileprivate func deliver(_ response: HTTPResponse, to exchange: HTTPExchange) {
        guard !exchange.finished, exchange.response == nil else { return }
        exchange.response = response
        if exchange.suspended {
            exchange.suspended = false
            suspended[ObjectIdentifier(exchange)] = nil
            MHD_resume_connection(exchange.connection)
            scheduleRun()
        }
    }

    // MARK: libmicrohttpd callbacks

    fileprivate func handle(connection: OpaquePointer, url: String, method: String,
                            upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
                            state: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int32 {
        guard let existing = state.pointee else {
            let exchange = HTTPExchange(server: self, connection: connection,
                                        request: readRequestHead(connection: connection, url: url, method: method))
            state.pointee = Unmanaged.passRetained(exchange).toOpaque()
            inFlight += 1
            let request = exchange.request
            let bodyExpected = request.header("transfer-encoding") != nil
                || (request.header("content-length").flatMap { Int($0) } ?? 0) > 0
            connections.headArrived(connection, bodyExpected: bodyExpected, now: MonotonicClock.milliseconds())
            if let problem = Self.framingProblem(exchange.request) {
                exchange.bodyTooLarge = true
                exchange.dispatched = true
                return queue(.json(400, Array("{\"error\":{\"code\":\"bad_request\",\"message\":\"\(problem)\"}}".utf8)), on: connection)
            }
            if let length = exchange.request.header("content-length").flatMap({ Int($0) }), length > options.maxBodyBytes {
                exchange.bodyTooLarge = true
                exchange.dispatched = true
                return queue(Self.bodyTooLarge(limit: options.maxBodyBytes), on: connection)
            }
            return 1
        }
        let exchange = Unmanaged<HTTPExchange>.fromOpaque(existing).takeUnretainedValue()

        if uploadSize.pointee > 0 {
            let size = uploadSize.pointee
            uploadSize.pointee = 0
            if exchange.bodyTooLarge { return 1 }
            if exchange.request.body.count + size > options.maxBodyBytes {
                // libmicrohttpd cannot answer in the middle of an upload (chunked, no
                // Content-Length): drop what came and what follows, answer 413 at the end.
                exchange.bodyTooLarge = true
                exchange.request.body = []
                return 1
            }
            if let upload {
                upload.withMemoryRebound(to: UInt8.self, capacity: size) {
                    exchange.request.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                }
            }
            return 1
        }

        if exchange.bodyTooLarge {
            guard !exchange.dispatched else { return 1 }
            exchange.dispatched = true
            return queue(Self.bodyTooLarge(limit: options.maxBodyBytes), on: connection)
        }
        if let response = exchange.response { return queue(response, on: connection) }
        guard !exchange.dispatched else { return 1 }
        exchange.dispatched = true
        connections.dispatched(connection)
        handler(exchange.request, HTTPResponder(exchange: exchange))
        if let response = exchange.response { return queue(response, on: connection) }
        exchange.suspended = true
        suspended[ObjectIdentifier(exchange)] = exchange
        MHD_suspend_connection(connection)
        return 1
    }

    /// What makes a request head ambiguous to a proxy in front of the box (request smuggling),
    /// or its path different from what a proxy saw (an encoded NUL, left escaped by the shim):
    /// both `Content-Length` and `Transfer-Encoding`, or a header name that is not an RFC 9110
    /// token (a space before the colon, a control byte). Such a request gets 400, unread.
    static func framingProblem(_ request: HTTPRequest) -> String? {
        if request.path.contains("%00") {
            return "an encoded NUL in the path"
        }
        if request.header("content-length") != nil && request.header("transfer-encoding") != nil {
            return "a request may not carry both Content-Length and Transfer-Encoding"
        }
        for header in request.headers where header.name.isEmpty || !header.name.utf8.allSatisfy(isTokenByte) {
            return "malformed header name"
        }
        return nil
    }

    /// A year, as browsers' preload rules ask; no `includeSubDomains`: other hosts under the
    /// box's domain are not the box's to decide.
    static let strictTransportSecurity = "max-age=31536000"

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    fileprivate func completed(connection: OpaquePointer?, state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        if let connection {
            connections.answered(connection, now: MonotonicClock.milliseconds())
            checkDeadlinesLater()
        }
        guard let state, let pointer = state.pointee else { return }
        state.pointee = nil
        let exchange = Unmanaged<HTTPExchange>.fromOpaque(pointer).takeRetainedValue()
        exchange.finished = true
        suspended[ObjectIdentifier(exchange)] = nil
        inFlight -= 1
        if drainCompletion != nil {
            loop.schedule(afterMilliseconds: 0) { [weak self] in self?.finishDrainIfIdle() }
        }
    }

    fileprivate func admits(_ address: [UInt8]) -> Bool {
        guard let refusal = connections.refusal(for: address) else { return true }
        onRefusal(refusal)
        return false
    }

    fileprivate func connectionOpened(_ connection: OpaquePointer) {
        var address = [UInt8](repeating: 0, count: 16)
        let length = cb_mhd_client_address_bytes(UnsafeMutableRawPointer(connection), &address)
        connections.opened(connection, socket: cb_mhd_connection_fd(UnsafeMutableRawPointer(connection)),
                           address: Array(address.prefix(length)), now: MonotonicClock.milliseconds())
        checkDeadlinesLater()
    }

    fileprivate func connectionClosed(_ connection: OpaquePointer) {
        connections.closed(connection)
    }

    /// Deadlines are checked once a second while any is pending; an idle box, or one holding
    /// only event streams, runs no timer.
    private func checkDeadlinesLater() {
        guard deadlineCheck == nil, daemon != nil, connections.anyDeadline else { return }
        deadlineCheck = loop.schedule(afterMilliseconds: Self.deadlineCheckMilliseconds) { [weak self] in
            guard let self else { return }
            self.deadlineCheck = nil
            // Shut down, not closed: the socket stays libmicrohttpd's, which sees the end of
            // the stream on its next run and frees the connection as usual.
            for socket in self.connections.expired(now: MonotonicClock.milliseconds()) where socket >= 0 {
                _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
                self.onRefusal(.slow)
            }
            self.checkDeadlinesLater()
        }
    }

    static let deadlineCheckMilliseconds: Int64 = 1_000

    private static func bodyTooLarge(limit: Int) -> HTTPResponse {
        .json(413, Array("{\"error\":{\"code\":\"body_too_large\",\"message\":\"request body is larger than \(limit) bytes\"}}".utf8))
    }

    private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> Int32 {
        var body = response.body
        let created: OpaquePointer?
        if let stream = response.stream {
            created = startStream(stream, on: connection)
        } else {
            created = body.withUnsafeMutableBytes { bytes in
                MHD_create_response_from_buffer(bytes.count, bytes.baseAddress, responseMemoryMustCopy)
            }
        }
        guard let made = created else { return 0 }
        for header in response.headers { _ = MHD_add_response_header(made, header.name, header.value) }
        // Over TLS, browsers are told to use nothing else for this host (RFC 6797).
        if options.tlsCertificatePEM != nil { _ = MHD_add_response_header(made, "Strict-Transport-Security", Self.strictTransportSecurity) }
        let result = MHD_queue_response(connection, UInt32(response.status), made)
        MHD_destroy_response(made)
        return result == mhdYes ? 1 : 0
    }

    /// A response of unknown length fed from `stream`: libmicrohttpd asks for bytes when the
    /// socket can take them; with none queued the connection is suspended (no polling) until
    /// the stream has bytes or closes.
    private func startStream(_ stream: HTTPStream, on connection: OpaquePointer) -> OpaquePointer? {
        let feed = StreamFeed(stream: stream, connection: connection, server: self)
        let context = Unmanaged.passRetained(feed).toOpaque()
        guard let made = MHD_create_response_from_callback(unknownResponseSize, Self.streamBlockBytes,
                                                           streamReader, context, streamFreed) else {
            Unmanaged<StreamFeed>.fromOpaque(context).release()
            return nil
        }
        streams[ObjectIdentifier(stream)] = stream
        return made
    }

    /// Bytes libmicrohttpd asks for at a time; an event is far smaller.
    static let streamBlockBytes = 4 * 1024

    fileprivate func streamWoke() { scheduleRun() }

    /// libmicrohttpd polls only running connections, so it cannot hear a suspended stream's
    /// client leave: the slot would stay taken until the next event or ping (issue 10). The box
    /// listens itself. A browser sends nothing on an event stream after its request, so
    /// anything readable is its goodbye (end of stream, a TLS close_notify), and the stream ends
    /// now; libmicrohttpd then finds the socket closed and frees the connection.
    fileprivate func listenForGoodbye(_ feed: StreamFeed) {
        guard feed.listening == nil, let socket = connections.entries[feed.connection]?.socket, socket >= 0 else { return }
        feed.listening = socket
        loop.watch(socket, for: .readable) { [weak self, weak feed] _ in
            self?.stopListening(for: feed)
            feed?.stream.close()
        }
    }

    /// Before the connection runs again, or goes: a socket number is reused once closed.
    fileprivate func stopListening(for feed: StreamFeed?) {
        guard let feed, let socket = feed.listening else { return }
        feed.listening = nil
        loop.unwatch(socket)
    }

    fileprivate func streamEnded(_ stream: HTTPStream) {
        streams[ObjectIdentifier(stream)] = nil
        stream.finish()
    }

    private func readRequestHead(connection: OpaquePointer, url: String, method: String) -> HTTPRequest {
        var request = HTTPRequest(method: method, path: url)
        let collector = PairCollector()
        let pointer = Unmanaged.passUnretained(collector).toOpaque()
        _ = MHD_get_connection_values(connection, headerKind, collectPair, pointer)
        request.headers = collector.pairs.map { (name: $0.name.lowercased(), value: $0.value) }
        collector.pairs = []
        _ = MHD_get_connection_values(connection, queryArgumentKind, collectPair, pointer)
        request.query = collector.pairs
        // INET6_ADDRSTRLEN is 46; on the stack, since every request asks.
        request.remoteAddress = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            guard cb_mhd_client_address(UnsafeMutableRawPointer(connection), buffer.baseAddress, buffer.count) == 0,
                  let base = buffer.baseAddress else { return "" }
            return String(cString: base)
        }
        return request
    }
}

/// A streaming response's context in libmicrohttpd, from creation to its free callback.
private final class StreamFeed {
    let stream: HTTPStream
    let connection: OpaquePointer
    weak var server: HTTPServer?

    init(stream: HTTPStream, connection: OpaquePointer, server: HTTPServer) {
        self.stream = stream
        self.connection = connection
        self.server = server
    }

    /// The socket watched for the client's goodbye while the connection is suspended.
    var listening: Int32?

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = stream.take(into: buffer)
        if count > 0 { return count }
        if stream.isClosed { return endOfStream }
        let connection = self.connection
        stream.wake = { [weak self] in
            self?.server?.stopListening(for: self)
            MHD_resume_connection(connection)
            self?.server?.streamWoke()
        }
        MHD_suspend_connection(connection)
        server?.listenForGoodbye(self)
        return 0
    }
}

/// MHD_SIZE_UNKNOWN: the body's length is not known; HTTP/1.1 clients get it chunked.
private let unknownResponseSize = UInt64.max
/// MHD_CONTENT_READER_END_OF_STREAM.
private let endOfStream = -1

private let streamReader: MHD_ContentReaderCallback = { context, _, buffer, size in
    guard let context, let buffer else { return -2 }
    let feed = Unmanaged<StreamFeed>.fromOpaque(context).takeUnretainedValue()
    return feed.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size))
}

private let streamFreed: MHD_ContentReaderFreeCallback = { context in
    guard let context else { return }
    let feed = Unmanaged<StreamFeed>.fromOpaque(context).takeRetainedValue()
    if let server = feed.server {
        server.stopListening(for: feed)
        server.streamEnded(feed.stream)
    } else {
        feed.stream.finish()
    }
}

/// What libmicrohttpd holds as its callback context: a stable object that outlives
/// neither the daemon nor the server, and points back at the server weakly. The callback
/// table it owns is handed to libmicrohttpd by address, so it lives as long as the box.
private final class ServerBox {
    weak var server: HTTPServer?
    let callbacks = UnsafeMutablePointer<cb_mhd_callbacks>.allocate(capacity: 1)

    deinit { callbacks.deallocate() }
}

// libmicrohttpd declares these enums closed, so Swift imports them without their C
// names; the raw values are the header's.
private let mhdYes = MHD_Result(rawValue: 1)!
private let headerKind = MHD_ValueKind(rawValue: 1)!
private let queryArgumentKind = MHD_ValueKind(rawValue: 8)!
private let responseMemoryMustCopy = MHD_ResponseMemoryMode(rawValue: 2)!

private final class PairCollector {
    var pairs: [(name: String, value: String)] = []
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

private let collectPair: MHD_KeyValueIterator = { context, _, key, value in
    guard let context, let key else { return mhdYes }
    let collector = Unmanaged<PairCollector>.fromOpaque(context).takeUnretainedValue()
    collector.pairs.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
    return mhdYes
}

private let accessHandler: cb_mhd_access_handler = { context, connection, url, method, _, upload, uploadSize, state in
    guard let context, let connection, let url, let method, let uploadSize, let state,
          let server = Unmanaged<ServerBox>.fromOpaque(context).takeUnretainedValue().server else { return 0 }
    return server.handle(connection: OpaquePointer(connection), url: String(cString: url), method: String(cString: method),
                         upload: upload, uploadSize: uploadSize, state: state)
}

private let completedHandler: cb_mhd_completed_handler = { context, connection, state, _ in
    guard let context else { return }
    Unmanaged<ServerBox>.fromOpaque(context).takeUnretainedValue().server?
        .completed(connection: connection.map(OpaquePointer.init), state: state)
}

private let connectionHandler: cb_mhd_connection_handler = { context, connection, started in
    guard let context, let connection,
          let server = Unmanaged<ServerBox>.fromOpaque(context).takeUnretainedValue().server else { return }
    if started != 0 {
        server.connectionOpened(OpaquePointer(connection))
    } else {
        server.connectionClosed(OpaquePointer(connection))
    }
}

private let admissionHandler: cb_mhd_admission_handler = { context, address, length in
    guard let context, let server = Unmanaged<ServerBox>.fromOpaque(context).takeUnretainedValue().server else { return 0 }
    let bytes = address.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    return server.admits(bytes) ? 1 : 0
}
