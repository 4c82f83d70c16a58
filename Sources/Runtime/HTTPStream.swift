/// The body of a response that never ends by itself (Server-Sent Events): a route hands
/// one to `HTTPResponse.stream` and keeps writing to it from the loop; the server sends
/// what is queued whenever the client's socket can take it. Loop-confined: only the
/// event loop thread touches it.
public final class HTTPStream: @unchecked Sendable {
    /// Bytes the stream may hold for a client that is not reading. A client that falls
    /// this far behind is dropped (the stream closes) rather than growing memory.
    public let capacityBytes: Int
    private var queued: [UInt8] = []
    private var sentUpTo = 0
    public private(set) var isClosed = false
    /// The connection is gone (closed by either side); runs once, on the loop.
    public var onEnd: (() -> Void)?
    /// Set by the server while the connection waits for bytes, to wake it up.
    var wake: (() -> Void)?
    private var ended = false

    public init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// Bytes queued and not yet taken by the server.
    public var queuedBytes: Int { queued.count - sentUpTo }

    /// Queues `bytes`; false (and the stream closes) when the client is too far behind.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        guard !isClosed else { return false }
        guard queuedBytes + bytes.count <= capacityBytes else {
            close()
            return false
        }
        queued.append(contentsOf: bytes)
        wakeServer()
        return true
    }

    /// Ends the response once what is queued has been sent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        wakeServer()
    }

    private func wakeServer() {
        let waiting = wake
        wake = nil
        waiting?()
    }

    /// The server takes up to `limit` queued bytes into `buffer`; 0 when none are queued.
    func take(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, queuedBytes)
        guard count > 0 else { return 0 }
        queued.withUnsafeBytes { source in
            buffer.baseAddress?.copyMemory(from: source.baseAddress! + sentUpTo, byteCount: count)
        }
        sentUpTo += count
        if sentUpTo == queued.count {
            queued.removeAll(keepingCapacity: true)
            sentUpTo = 0
        }
        return count
    }

    /// The connection is over; tells the route once.
    func finish() {
        isClosed = true
        wake = nil
        guard !ended else { return }
        ended = true
        let handler = onEnd
        onEnd = nil
        handler?()
    }
}
