/// How the HTTP server shares its connection slots, so that slow or greedy clients cannot lock
/// Meta's webhooks out (issue 10). Measured before this existed: 320 connections from five
/// loopback addresses, each sending a header byte a second, held every slot and no signed
/// webhook from a sixth address was answered.
public struct ConnectionPolicy: Sendable {
    /// Beyond this many open connections none is accepted, so a burst of clients cannot exhaust
    /// the box's file descriptors or memory (32 KiB of buffer each at most: 8 MiB in all).
    public var limit: Int
    /// One address may hold at most this many. A browser opens up to 6 per host; an office of
    /// ten agents behind one NAT address, each with a widget's event stream, needs about 70.
    public var perAddress: Int
    /// Once this many are open, an address already holding `perAddressWhenCrowded` gets no more:
    /// a few addresses cannot take the slots that many small clients (agents, Meta's relays) need.
    public var crowdedAt: Int
    public var perAddressWhenCrowded: Int
    /// The last slots are kept for the addresses Meta sends webhooks from (`reservedFor`).
    /// It is headroom, never trust: a webhook from there is still refused unless it is signed.
    public var reserved: Int
    /// Whether a peer address (4 or 16 bytes) may use the reserved slots.
    public var reservedFor: @Sendable ([UInt8]) -> Bool
    /// Whether a peer is a reverse proxy (`[http] trusted_proxies`): it speaks for many clients,
    /// so it has no per-address share, only the total. Slow clients are then the proxy's to cut.
    public var isProxy: @Sendable ([UInt8]) -> Bool
    /// The whole request head must arrive this soon after the connection opens (or after the
    /// previous response on a kept-alive connection). libmicrohttpd's idle timeout restarts on
    /// every byte, so it alone lets a client that trickles its head hold a slot forever.
    public var headMilliseconds: Int64
    /// The body must arrive this soon after its head: a 1 MiB webhook at 35 KB/s. Meta itself
    /// gives up on a delivery after about 20 s (spec §1.2).
    public var bodyMilliseconds: Int64

    public init(limit: Int = 256, perAddress: Int = 96, crowdedAt: Int = 192, perAddressWhenCrowded: Int = 16,
                reserved: Int = 32, reservedFor: @escaping @Sendable ([UInt8]) -> Bool = { _ in false },
                isProxy: @escaping @Sendable ([UInt8]) -> Bool = { _ in false },
                headMilliseconds: Int64 = 10_000, bodyMilliseconds: Int64 = 30_000) {
        self.limit = limit
        self.perAddress = perAddress
        self.crowdedAt = crowdedAt
        self.perAddressWhenCrowded = perAddressWhenCrowded
        self.reserved = reserved
        self.reservedFor = reservedFor
        self.isProxy = isProxy
        self.headMilliseconds = headMilliseconds
        self.bodyMilliseconds = bodyMilliseconds
    }
}

/// Why a connection was turned away or cut short; the label of
/// `callbox_http_connections_refused_total`.
public enum ConnectionRefusal: String, CaseIterable, Sendable {
    /// Every slot is taken.
    case full
    /// Only the slots kept for Meta's webhook addresses are left.
    case reserved
    /// The address holds its share: `perAddress`, or `perAddressWhenCrowded` on a crowded box.
    case perAddress = "per_address"
    /// Its request head or body did not arrive within the deadline.
    case slow
}

/// The server's open connections: who holds each, and by when its request must have arrived.
/// Keyed by libmicrohttpd's connection pointer in the server, by anything hashable in tests.
struct ConnectionTable<Connection: Hashable> {
    struct Entry {
        let socket: Int32
        let address: [UInt8]
        /// When the connection is cut if its request has not arrived; nil while a route has it.
        var deadline: Int64?
    }

    let policy: ConnectionPolicy
    private(set) var entries: [Connection: Entry] = [:]
    private var perAddress: [[UInt8]: Int] = [:]

    init(policy: ConnectionPolicy) {
        self.policy = policy
    }

    var count: Int { entries.count }

    /// Whether any connection is waiting on a deadline, so the server knows to keep checking.
    var anyDeadline: Bool { entries.values.contains { $0.deadline != nil } }

    /// Asked before a new connection is taken on; nil admits it.
    func refusal(for address: [UInt8]) -> ConnectionRefusal? {
        let open = entries.count
        let held = perAddress[address] ?? 0
        if open >= policy.limit { return .full }
        if policy.isProxy(address) { return open >= policy.limit - policy.reserved ? .reserved : nil }
        if held >= policy.perAddress { return .perAddress }
        if policy.reservedFor(address) { return nil }
        if open >= policy.limit - policy.reserved { return .reserved }
        if open >= policy.crowdedAt && held >= policy.perAddressWhenCrowded { return .perAddress }
        return nil
    }

    mutating func opened(_ connection: Connection, socket: Int32, address: [UInt8], now: Int64) {
        entries[connection] = Entry(socket: socket, address: address, deadline: now + policy.headMilliseconds)
        perAddress[address, default: 0] += 1
    }

    mutating func closed(_ connection: Connection) {
        guard let entry = entries.removeValue(forKey: connection) else { return }
        let left = (perAddress[entry.address] ?? 1) - 1
        perAddress[entry.address] = left > 0 ? left : nil
    }

    /// The head is in; the body, if one is coming, has its own deadline.
    mutating func headArrived(_ connection: Connection, bodyExpected: Bool, now: Int64) {
        entries[connection]?.deadline = bodyExpected ? now + policy.bodyMilliseconds : nil
    }

    /// A route has the request: it may take as long as it needs (an event stream lasts hours).
    mutating func dispatched(_ connection: Connection) {
        entries[connection]?.deadline = nil
    }

    /// The response went out; a kept-alive connection owes its next head within the deadline.
    mutating func answered(_ connection: Connection, now: Int64) {
        entries[connection]?.deadline = now + policy.headMilliseconds
    }

    /// The sockets past their deadline, disarmed so each is cut once.
    mutating func expired(now: Int64) -> [Int32] {
        var sockets: [Int32] = []
        for (connection, entry) in entries {
            guard let deadline = entry.deadline, deadline <= now else { continue }
            entries[connection]?.deadline = nil
            sockets.append(entry.socket)
        }
        return sockets
    }
}
