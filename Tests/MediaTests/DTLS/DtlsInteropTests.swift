import Glibc
import Runtime
import Testing
@testable import Media

/// The transport against an independent DTLS stack: the `openssl s_server`/`s_client`
/// command-line tools, over a real UDP socket on 127.0.0.1. The test bridges datagrams
/// between the socket and the transport, as the media endpoint will.
@Suite(.serialized) struct DtlsInteropTests {
    static let label = "EXTRACTOR-dtls_srtp"

    @Test(arguments: SrtpProfile.allCases)
    func clientAgainstOpenSSLServer(profile: SrtpProfile) throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let peer = try DtlsCertificate.loadOrCreate(directory: directory.path)
        let socket = try DtlsUdpSocket()
        let port = try DtlsUdpSocket.freePort()
        let exportLength = 2 * (profile.keyLength + profile.saltLength)
        let server = try DtlsBackgroundCommand([
            "openssl", "s_server", "-dtls1_2", "-accept", "127.0.0.1:\(port)", "-naccept", "1",
            "-cert", directory.path + "/dtls-cert.pem", "-key", directory.path + "/dtls-key.pem",
            "-Verify", "1", "-use_srtp", profile.opensslName,
            "-keymatexport", Self.label, "-keymatexportlen", "\(exportLength)",
        ], logPath: directory.path + "/s_server.log")
        defer { server.stop() }
        #expect(server.waitFor("ACCEPT", milliseconds: 5_000), "\(server.output)")

        let transport = try DtlsTransport(
            role: .client, certificate: DtlsTestPair.identities.client,
            remoteFingerprint: peer.fingerprint(algorithm: .sha256))
        let events = socket.drive(transport, peer: DtlsUdpSocket.loopback(port: port), milliseconds: 10_000)
        let keys = try #require(DtlsTestPair.keys(in: events), "events \(events), s_server: \(server.output)")
        #expect(keys.profile == profile)
        #expect(server.waitFor("Keying material: ", milliseconds: 3_000), "\(server.output)")
        #expect(server.output.contains("SRTP Extension negotiated, profile=\(profile.opensslName)"))
        // Client keys first (RFC 5764 §4.2): ours are the client's.
        let exported = keys.localKey + keys.remoteKey + keys.localSalt + keys.remoteSalt
        #expect(Self.keyingMaterial(in: server.output) == exported)
    }

    @Test(arguments: SrtpProfile.allCases)
    func serverAgainstOpenSSLClient(profile: SrtpProfile) throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        let peer = try DtlsCertificate.loadOrCreate(directory: directory.path)
        let socket = try DtlsUdpSocket()
        let exportLength = 2 * (profile.keyLength + profile.saltLength)
        let transport = try DtlsTransport(
            role: .server, certificate: DtlsTestPair.identities.server,
            remoteFingerprint: peer.fingerprint(algorithm: .sha256))
        let client = try DtlsBackgroundCommand([
            "openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:\(socket.port)",
            "-cert", directory.path + "/dtls-cert.pem", "-key", directory.path + "/dtls-key.pem",
            "-use_srtp", profile.opensslName,
            "-keymatexport", Self.label, "-keymatexportlen", "\(exportLength)",
        ], logPath: directory.path + "/s_client.log")
        defer { client.stop() }

        let events = socket.drive(transport, peer: nil, milliseconds: 10_000)
        let keys = try #require(DtlsTestPair.keys(in: events), "events \(events), s_client: \(client.output)")
        #expect(keys.profile == profile)
        #expect(client.waitFor("Keying material: ", milliseconds: 3_000), "\(client.output)")
        #expect(client.output.contains("SRTP Extension negotiated, profile=\(profile.opensslName)"))
        let exported = keys.remoteKey + keys.localKey + keys.remoteSalt + keys.localSalt
        #expect(Self.keyingMaterial(in: client.output) == exported)
    }

    @Test func openSSLClientWithAnUnexpectedCertificateIsRefused() throws {
        let directory = DtlsScratchDirectory()
        defer { directory.remove() }
        _ = try DtlsCertificate.loadOrCreate(directory: directory.path)
        let socket = try DtlsUdpSocket()
        let transport = try DtlsTransport(
            role: .server, certificate: DtlsTestPair.identities.server,
            remoteFingerprint: DtlsTestPair.identities.client.fingerprint(algorithm: .sha256))
        let client = try DtlsBackgroundCommand([
            "openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:\(socket.port)",
            "-cert", directory.path + "/dtls-cert.pem", "-key", directory.path + "/dtls-key.pem",
            "-use_srtp", "SRTP_AEAD_AES_128_GCM",
        ], logPath: directory.path + "/s_client.log")
        defer { client.stop() }
        let events = socket.drive(transport, peer: nil, milliseconds: 10_000)
        #expect(events == [.failed(.fingerprintMismatch)])
        #expect(client.waitFor("alert bad certificate", milliseconds: 3_000), "\(client.output)")
    }

    /// The hex after "Keying material: " in s_server/s_client output.
    static func keyingMaterial(in output: String) -> [UInt8]? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Keying material: ") }),
              let hex = line.split(separator: " ").last else { return nil }
        return SrtpFixture.hex(String(hex))
    }
}

/// A UDP socket on 127.0.0.1 that shuttles datagrams between a peer and a transport.
final class DtlsUdpSocket {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw DtlsCommand.Failure(description: "socket: \(errno)") }
        var address = DtlsUdpSocket.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw DtlsCommand.Failure(description: "bind: \(errno)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = UInt16(bigEndian: actual.sin_port)
    }

    deinit { close(descriptor) }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A port nobody listens on right now, for s_server.
    static func freePort() throws -> UInt16 { try DtlsUdpSocket().port }

    /// Runs the transport against the peer until it connects or fails or time runs out.
    /// With no `peer`, the first datagram received names it (the transport is the server).
    func drive(_ transport: DtlsTransport, peer: sockaddr_in?, milliseconds: Int) -> [DtlsEvent] {
        var peer = peer
        var events: [DtlsEvent] = []
        let deadline = MonotonicClock.milliseconds() + Int64(milliseconds)
        func send(_ output: DtlsOutput) {
            events += output.events
            guard var destination = peer else { return }
            for datagram in output.datagrams {
                _ = datagram.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &destination) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            }
        }
        send(transport.start(now: MonotonicClock.milliseconds()))
        var buffer = [UInt8](repeating: 0, count: 2_048)
        while MonotonicClock.milliseconds() < deadline, transport.state == .handshaking {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 50) > 0 {
                var source = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length) }
                }
                if count > 0 {
                    if peer == nil { peer = source }
                    send(transport.receive(Array(buffer.prefix(count)), now: MonotonicClock.milliseconds()))
                }
            }
            let now = MonotonicClock.milliseconds()
            if let due = transport.nextTimeout(now: now), due <= now { send(transport.handleTimeout(now: now)) }
        }
        return events
    }
}
