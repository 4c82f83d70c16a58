import Glibc
import Runtime
import Testing
@testable import Media

/// Two agents on real UDP sockets on 127.0.0.1 and on ::1, driven by poll(2) and the monotonic clock,
/// as the integrator's event loop drives them.
@Suite struct IceUdpLoopbackTests {
    final class UdpSocket {
        let descriptor: Int32
        let address: SocketAddress

        init(_ loopback: SocketAddress) throws {
            let descriptor = socket(loopback.family, Int32(SOCK_DGRAM.rawValue), 0)
            guard descriptor >= 0 else { throw SocketFailure(step: "socket") }
            self.descriptor = descriptor
            let bound = loopback.withSockAddr { bind(descriptor, $0, $1) }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard bound == 0, named == 0, let address = SocketAddress(storage: storage) else { throw SocketFailure(step: "bind") }
            self.address = address
        }

        deinit { close(descriptor) }

        func send(_ transmit: IceTransmit) {
            _ = transmit.destination.withSockAddr { address, length in
                transmit.bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
            }
        }

        func receive() -> ([UInt8], SocketAddress)? {
            var buffer = [UInt8](repeating: 0, count: 1_500)
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length) }
                }
            }
            guard count >= 0, let source = SocketAddress(storage: storage) else { return nil }
            return (Array(buffer[0..<count]), source)
        }
    }

    struct SocketFailure: Error { let step: String }

    @Test(arguments: ["127.0.0.1:0", "[::1]:0"])
    func agentsConnectOverRealSockets(_ loopbackText: String) throws {
        let loopback = try #require(SocketAddress(text: loopbackText))
        let sockets = [try UdpSocket(loopback), try UdpSocket(loopback)]
        var agents = [
            try IceAgent(role: .controlling, mode: .full, localCandidates: [IceCandidate(type: .host, address: sockets[0].address)]),
            try IceAgent(role: .controlled, mode: .lite, localCandidates: [IceCandidate(type: .host, address: sockets[1].address)]),
        ]
        let start = MonotonicClock.milliseconds()
        for (me, peer) in [(0, 1), (1, 0)] {
            try agents[me].addRemoteCredentials(ufrag: agents[peer].localCredentials.ufrag, pwd: agents[peer].localCredentials.pwd, now: start)
            try agents[me].addRemoteCandidate(agents[peer].localCandidates[0])
        }
        var events: [[IceEvent]] = [[], []]
        func handle(_ output: IceOutput, _ index: Int) {
            for transmit in output.transmits { sockets[index].send(transmit) }
            events[index] += output.events
        }
        while agents.contains(where: { $0.state != .connected }), MonotonicClock.milliseconds() - start < 3_000 {
            let now = MonotonicClock.milliseconds()
            for index in agents.indices where (agents[index].nextDeadline ?? .max) <= now {
                handle(agents[index].poll(now: now), index)
            }
            let wait = agents.compactMap(\.nextDeadline).min().map { max(0, min(100, $0 - now)) } ?? 100
            var descriptors = sockets.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            guard poll(&descriptors, nfds_t(descriptors.count), Int32(wait)) >= 0 else { break }
            for index in descriptors.indices where descriptors[index].revents & Int16(POLLIN) != 0 {
                while let (bytes, source) = sockets[index].receive() {
                    // The demultiplexer in front of the agent: only STUN goes in.
                    guard MediaPacketKind.classify(bytes) == .stun else { continue }
                    handle(agents[index].receive(bytes, from: source, local: sockets[index].address, now: MonotonicClock.milliseconds()), index)
                }
            }
        }
        #expect(agents[0].state == .connected && agents[1].state == .connected)
        #expect(agents[0].selectedPair?.remote.address == sockets[1].address)
        #expect(agents[1].selectedPair?.remote.address == sockets[0].address)
        #expect(events[0].contains(.connected(remote: sockets[1].address)))
        #expect(events[1].contains(.connected(remote: sockets[0].address)))
    }
}
