/// One Binding transaction toward a STUN server, to learn the server-reflexive address of a
/// socket (RFC 8489 §6.2.1, RFC 8445 §5.1.1.2). Pure: `poll` returns the request bytes when
/// they are due, `receive` takes the answer; the integrator sends and receives.
public struct StunBindingClient: Sendable {
    public enum Outcome: Sendable, Equatable {
        case pending
        case mapped(SocketAddress)
        case failed(String)
    }

    /// First retransmission timeout, doubling after each send (RFC 8489 §6.2.1).
    public static let initialRtoMs: Int64 = 500
    /// Fewer than RFC 8489's Rc = 7: the box gathers before pre_accept (no trickle, spec §6.2)
    /// and the srflx candidate is optional, so it gives up after 0.5 + 1 + 2 = 3.5 s.
    public static let maxTransmissions = 3

    public let server: SocketAddress
    public let transactionID: StunTransactionID
    public private(set) var outcome: Outcome = .pending
    private let request: [UInt8]
    private var transmissions = 0
    private var rto = initialRtoMs
    private var dueAt: Int64?

    public init(server: SocketAddress, transactionID: StunTransactionID = .random()) {
        self.server = server
        self.transactionID = transactionID
        request = StunMessage(messageClass: .request, transactionID: transactionID).serialize(integrityKey: nil, fingerprint: true)
    }

    /// When `poll` next has something to do; nil once the outcome is known.
    public var nextDeadline: Int64? {
        guard outcome == .pending else { return nil }
        return dueAt ?? .min
    }

    /// The request to send to `server` now (first call, then each retransmission), or nil.
    public mutating func poll(now: Int64) -> [UInt8]? {
        guard outcome == .pending, now >= (dueAt ?? .min) else { return nil }
        guard transmissions < Self.maxTransmissions else {
            outcome = .failed("no answer from \(server) after \(transmissions) requests")
            return nil
        }
        transmissions += 1
        dueAt = now + rto
        rto *= 2
        return request
    }

    /// True when the datagram was the answer to this transaction (then see `outcome`).
    public mutating func receive(_ bytes: [UInt8], from source: SocketAddress) -> Bool {
        guard outcome == .pending, source == server,
              let message = try? StunMessage.parse(bytes),
              message.transactionID == transactionID, message.method == .binding else { return false }
        switch message.messageClass {
        case .successResponse:
            if let mapped = message.xorMappedAddress ?? message.mappedAddress {
                outcome = .mapped(mapped)
            } else {
                outcome = .failed("answer from \(server) has no mapped address")
            }
        case .errorResponse:
            let error = message.errorCode
            outcome = .failed("\(server) answered \(error?.code ?? 0) \(error?.reason ?? "")")
        case .request, .indication:
            return false
        }
        return true
    }
}
