import CCurl
import CShims
import Glibc

public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange must finish within this; Graph and HubSpot calls are never
    /// allowed to hang the loop's view of a call.
    public var timeoutMilliseconds: Int

    public init(method: String, url: String, headers: [(name: String, value: String)] = [],
                body: [UInt8] = [], timeoutMilliseconds: Int = HTTPClient.defaultTimeoutMilliseconds) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]

    public init(status: Int, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    /// No answer within the request's timeout. The request may or may not have reached
    /// the far end: callers treat it as ambiguous and never blindly resend a non-idempotent one.
    case timedOut
    /// Nothing was sent: name resolution or connecting failed.
    case couldNotConnect(String)
    case responseTooLarge(limit: Int)
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case let .couldNotConnect(detail): "could not connect: \(detail)"
        case let .responseTooLarge(limit): "response larger than \(limit) bytes"
        case let .transport(code, message): "transfer failed (curl \(code)): \(message)"
        }
    }

    /// True when the request certainly never reached the server, so resending is safe.
    public var certainlyNotSent: Bool {
        if case .couldNotConnect = self { return true }
        return false
    }
}

/// An HTTPS client on the box's event loop: libcurl's multi interface in socket-action
/// mode, so curl's sockets and timers are watched by the same poll(2) as everything else
/// and no request blocks the loop.
public final class HTTPClient {
    public typealias Completion = (Result<HTTPClientResponse, HTTPClientError>) -> Void

    /// Graph answers call actions in well under a second; 10 s leaves room for a slow
    /// uplink while staying inside the 30–60 s Meta gives a business to accept a call.
    public static let defaultTimeoutMilliseconds = 10_000
    /// Graph and HubSpot answers are small JSON; anything larger is refused.
    public static let maximumResponseBytes = 4 << 20

    private let loop: EventLoop
    private let multi: UnsafeMutableRawPointer
    private var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
    private var curlTimer: EventLoop.TimerID?
    private var watchedSockets: Set<Int32> = []
    private var contextPointer: UnsafeMutableRawPointer?

    public var transfersInFlight: Int { transfers.count }
    /// A CA bundle to trust instead of the system's: tests and boxes that talk to a
    /// local fake over TLS. Nil uses the system store.
    public var trustedCertificateFile: String?

    public init(loop: EventLoop) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        self.loop = loop
        multi = curl_multi_init()!
        let box = Unmanaged.passRetained(ClientBox()).toOpaque()
        contextPointer = box
        Unmanaged<ClientBox>.fromOpaque(box).takeUnretainedValue().client = self
        cb_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETFUNCTION, unsafeBitCast(socketCallback, to: UnsafeRawPointer.self))
        cb_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, box)
        cb_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERFUNCTION, unsafeBitCast(timerCallback, to: UnsafeRawPointer.self))
        cb_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, box)
    }

    deinit {
        for (handle, _) in transfers {
            curl_multi_remove_handle(multi, handle)
            curl_easy_cleanup(handle)
        }
        for socket in watchedSockets { loop.unwatch(socket) }
        if let curlTimer { loop.cancel(curlTimer) }
        curl_multi_cleanup(multi)
        if let contextPointer { Unmanaged<ClientBox>.fromOpaque(contextPointer).release() }
    }

    public func send(_ request: HTTPClientRequest, completion: @escaping Completion) {
        guard let easy = curl_easy_init() else {
            completion(.failure(.transport(code: -1, message: "curl_easy_init failed")))
            return
        }
        let transfer = Transfer(request: request, completion: completion)
        transfers[easy] = transfer
        let transferPointer = Unmanaged.passUnretained(transfer).toOpaque()

        _ = transfer.url.withUnsafeBufferPointer { cb_curl_easy_setopt_pointer(easy, CURLOPT_URL, $0.baseAddress) }
        cb_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        cb_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)
        cb_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, min(request.timeoutMilliseconds, 5_000))
        cb_curl_easy_setopt_pointer(easy, CURLOPT_WRITEFUNCTION, unsafeBitCast(writeCallback, to: UnsafeRawPointer.self))
        cb_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, transferPointer)
        cb_curl_easy_setopt_pointer(easy, CURLOPT_HEADERFUNCTION, unsafeBitCast(headerCallback, to: UnsafeRawPointer.self))
        cb_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, transferPointer)
        cb_curl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, transferPointer)
        if let trustedCertificateFile {
            transfer.caFile = Array(trustedCertificateFile.utf8CString)
            _ = transfer.caFile.withUnsafeBufferPointer { cb_curl_easy_setopt_pointer(easy, CURLOPT_CAINFO, $0.baseAddress) }
        }

        switch request.method {
        case "GET": cb_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "POST": cb_curl_easy_setopt_long(easy, CURLOPT_POST, 1)
        default:
            _ = transfer.method.withUnsafeBufferPointer { cb_curl_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, $0.baseAddress) }
        }
        if request.method != "GET" {
            cb_curl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
            _ = transfer.body.withUnsafeBufferPointer { cb_curl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, $0.baseAddress) }
        }
        for header in request.headers {
            transfer.headerList = curl_slist_append(transfer.headerList, "\(header.name): \(header.value)")
        }
        // curl would otherwise add "Expect: 100-continue" to larger bodies and wait for it.
        transfer.headerList = curl_slist_append(transfer.headerList, "Expect:")
        cb_curl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeRawPointer(transfer.headerList))

        curl_multi_add_handle(multi, easy)
    }

    // MARK: curl callbacks, on the loop

    fileprivate func socketChanged(_ socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            loop.unwatch(socket)
            watchedSockets.remove(socket)
            return
        }
        var events: IOEvents = []
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events.insert(.readable) }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events.insert(.writable) }
        watchedSockets.insert(socket)
        loop.watch(socket, for: events) { [weak self] ready in
            var mask: Int32 = 0
            if ready.contains(.readable) { mask |= CURL_CSELECT_IN }
            if ready.contains(.writable) { mask |= CURL_CSELECT_OUT }
            self?.act(on: socket, mask: mask)
        }
    }

    fileprivate func timerChanged(_ milliseconds: Int) {
        if let curlTimer { loop.cancel(curlTimer) }
        curlTimer = nil
        guard milliseconds >= 0 else { return }
        curlTimer = loop.schedule(afterMilliseconds: Int64(milliseconds)) { [weak self] in
            self?.curlTimer = nil
            self?.act(on: CURL_SOCKET_TIMEOUT, mask: 0)
        }
    }

    private func act(on socket: Int32, mask: Int32) {
        var running: Int32 = 0
        curl_multi_socket_action(multi, socket, mask, &running)
        collectFinished()
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let transfer = transfers.removeValue(forKey: easy) else { continue }
            var status = 0
            cb_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            transfer.finish(code: code, status: status)
        }
    }
}

/// One request in flight: owns the bytes curl points at until the transfer ends.
private final class Transfer {
    let url: [CChar]
    let method: [CChar]
    let body: [UInt8]
    var caFile: [CChar] = []
    let completion: HTTPClient.Completion
    var headerList: UnsafeMutablePointer<curl_slist>?
    var received: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var overflowed = false

    init(request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        url = Array(request.url.utf8CString)
        method = Array(request.method.utf8CString)
        body = request.body
        self.completion = completion
    }

    deinit { curl_slist_free_all(headerList) }

    func finish(code: CURLcode, status: Int) {
        switch code {
        case CURLE_OK:
            completion(.success(HTTPClientResponse(status: status, body: received, headers: headers)))
        case CURLE_OPERATION_TIMEDOUT:
            completion(.failure(.timedOut))
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            completion(.failure(.couldNotConnect(String(cString: curl_easy_strerror(code)))))
        case CURLE_WRITE_ERROR where overflowed:
            completion(.failure(.responseTooLarge(limit: HTTPClient.maximumResponseBytes)))
        default:
            completion(.failure(.transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))))
        }
    }
}

private final class ClientBox {
    weak var client: HTTPClient?
}

private let socketCallback: @convention(c) (UnsafeMutableRawPointer?, curl_socket_t, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32 = {
    _, socket, what, context, _ in
    guard let context else { return 0 }
    Unmanaged<ClientBox>.fromOpaque(context).takeUnretainedValue().client?.socketChanged(socket, what: what)
    return 0
}

private let timerCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32 = { _, milliseconds, context in
    guard let context else { return 0 }
    Unmanaged<ClientBox>.fromOpaque(context).takeUnretainedValue().client?.timerChanged(milliseconds)
    return 0
}

private let writeCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if transfer.received.count + length > HTTPClient.maximumResponseBytes {
        transfer.overflowed = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.received.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") { transfer.headers = [] }
    if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmed()
        transfer.headers.append((name: name, value: value))
    }
    return length
}
