@testable import Media

/// An in-memory network with a fake clock for two or more agents: datagrams arrive after
/// `latencyMs`, a filter can drop them, and a NAT table can rewrite source addresses.
struct IceTestNetwork {
    struct InFlight {
        var transmit: IceTransmit
        var deliverAt: Int64
    }

    var agents: [IceAgent]
    var now: Int64 = 0
    var latencyMs: Int64 = 5
    var inFlight: [InFlight] = []
    /// Every event each agent produced, with the time.
    var events: [[(Int64, IceEvent)]]
    /// Every datagram sent, with the time and the sender's index.
    var sent: [(Int64, Int, IceTransmit)] = []
    /// Return true to lose a datagram.
    var drop: (Int64, Int, IceTransmit) -> Bool = { _, _, _ in false }
    /// Private address → public address, as a NAT in front of the sender would rewrite it.
    var nat: [SocketAddress: SocketAddress] = [:]

    init(_ agents: [IceAgent]) {
        self.agents = agents
        events = agents.map { _ in [] }
    }

    static func address(_ text: String) -> SocketAddress {
        guard let address = SocketAddress(text: text) else { fatalError("bad test address \(text)") }
        return address
    }

    static func host(_ text: String) -> IceCandidate {
        IceCandidate(type: .host, address: address(text))
    }

    /// Both agents learn each other's credentials (and candidates unless told not to).
    mutating func exchangeOffers(candidatesTo receivers: Set<Int> = [0, 1]) throws {
        for (me, peer) in [(0, 1), (1, 0)] {
            let credentials = agents[peer].localCredentials
            try agents[me].addRemoteCredentials(ufrag: credentials.ufrag, pwd: credentials.pwd, now: now)
            if receivers.contains(me) {
                for candidate in agents[peer].localCandidates { try agents[me].addRemoteCandidate(candidate) }
            }
        }
    }

    private mutating func absorb(_ output: IceOutput, from index: Int) {
        for transmit in output.transmits {
            sent.append((now, index, transmit))
            if drop(now, index, transmit) { continue }
            var rewritten = transmit
            rewritten.source = nat[transmit.source] ?? transmit.source
            inFlight.append(InFlight(transmit: rewritten, deliverAt: now + latencyMs))
        }
        for event in output.events { events[index].append((now, event)) }
    }

    /// Who owns a destination, undoing the NAT for replies to a public address.
    private func owner(of destination: SocketAddress) -> (Int, SocketAddress)? {
        let local = nat.first { $0.value == destination }?.key ?? destination
        guard let index = agents.firstIndex(where: { $0.localCandidates.contains { $0.address == local } }) else { return nil }
        return (index, local)
    }

    mutating func run(until end: Int64) {
        while now <= end {
            for index in agents.indices where (agents[index].nextDeadline ?? .max) <= now {
                let output = agents[index].poll(now: now)
                absorb(output, from: index)
            }
            let due = inFlight.filter { $0.deliverAt <= now }
            inFlight.removeAll { $0.deliverAt <= now }
            for packet in due {
                guard let (index, local) = owner(of: packet.transmit.destination) else { continue }
                let output = agents[index].receive(packet.transmit.bytes, from: packet.transmit.source, local: local, now: now)
                absorb(output, from: index)
            }
            let deadlines = agents.compactMap(\.nextDeadline) + inFlight.map(\.deliverAt)
            guard let next = deadlines.min() else { return }
            now = max(now + 1, next)
        }
    }

    func eventList(_ index: Int) -> [IceEvent] { events[index].map(\.1) }

    func firstTime(_ index: Int, where predicate: (IceEvent) -> Bool) -> Int64? {
        events[index].first { predicate($0.1) }?.0
    }

    /// The parsed requests an agent sent, with their times.
    func requests(from index: Int) -> [(Int64, StunMessage)] {
        sent.compactMap { time, sender, transmit in
            guard sender == index, let message = try? StunMessage.parse(transmit.bytes), message.messageClass == .request else { return nil }
            return (time, message)
        }
    }

    func errorCodes(from index: Int) -> [Int] {
        sent.compactMap { _, sender, transmit in
            guard sender == index, let message = try? StunMessage.parse(transmit.bytes) else { return nil }
            return message.errorCode?.code
        }
    }
}

extension IceEvent {
    var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}
