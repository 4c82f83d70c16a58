import Glibc
import Runtime
@testable import Media

/// A fresh directory under /tmp for one test, removed with its files by `remove()`.
struct DtlsScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/callbox-dtls-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != ".", name != ".." { unlink(path + "/" + name) }
            }
            closedir(directory)
        }
        rmdir(path)
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    func mode(of name: String) -> mode_t {
        var status = stat()
        guard stat(path + "/" + name, &status) == 0 else { return 0 }
        return status.st_mode & 0o777
    }
}

/// Two transports wired back to back in memory, with a hook to lose datagrams.
final class DtlsTestPair {
    let client: DtlsTransport
    let server: DtlsTransport
    var clientEvents: [DtlsEvent] = []
    var serverEvents: [DtlsEvent] = []
    /// Datagrams each side has sent so far, counted from 0, including dropped ones.
    private var sentCount: [DtlsRole: Int] = [.client: 0, .server: 0]
    private var inFlight: [(to: DtlsRole, bytes: [UInt8])] = []
    /// Return true to lose the `index`-th datagram sent by `from`.
    var drop: (_ from: DtlsRole, _ index: Int) -> Bool = { _, _ in false }

    init(
        clientProfiles: [SrtpProfile] = [.aeadAes128Gcm, .aes128CmHmacSha1_80],
        serverProfiles: [SrtpProfile] = [.aeadAes128Gcm, .aes128CmHmacSha1_80],
        clientExpects: DtlsFingerprint? = nil,
        serverExpects: DtlsFingerprint? = nil
    ) throws {
        let clientIdentity = DtlsTestPair.identities.client
        let serverIdentity = DtlsTestPair.identities.server
        client = try DtlsTransport(
            role: .client, certificate: clientIdentity,
            remoteFingerprint: clientExpects ?? serverIdentity.fingerprint(algorithm: .sha256), profiles: clientProfiles)
        server = try DtlsTransport(
            role: .server, certificate: serverIdentity,
            remoteFingerprint: serverExpects ?? clientIdentity.fingerprint(algorithm: .sha256), profiles: serverProfiles)
    }

    /// Key generation is the slow part; one pair of identities serves every test.
    static let identities: (client: DtlsCertificate, server: DtlsCertificate) = {
        do {
            return (try DtlsCertificate.generate(), try DtlsCertificate.generate())
        } catch {
            fatalError("test identities: \(error)")
        }
    }()

    /// Starts both sides and delivers datagrams until none is in flight.
    func start(now: Int64 = MonotonicClock.milliseconds()) {
        deliver(server.start(now: now), from: .server)
        deliver(client.start(now: now), from: .client)
        run(now: now)
    }

    /// Fires both retransmission timers, then delivers until quiet.
    func fireTimers(now: Int64 = MonotonicClock.milliseconds()) {
        deliver(client.handleTimeout(now: now), from: .client)
        deliver(server.handleTimeout(now: now), from: .server)
        run(now: now)
    }

    func run(now: Int64 = MonotonicClock.milliseconds()) {
        while !inFlight.isEmpty {
            let (to, bytes) = inFlight.removeFirst()
            switch to {
            case .client: deliver(client.receive(bytes, now: now), from: .client)
            case .server: deliver(server.receive(bytes, now: now), from: .server)
            }
        }
    }

    func deliver(_ output: DtlsOutput, from sender: DtlsRole) {
        switch sender {
        case .client: clientEvents += output.events
        case .server: serverEvents += output.events
        }
        for datagram in output.datagrams {
            let index = sentCount[sender, default: 0]
            sentCount[sender] = index + 1
            if drop(sender, index) { continue }
            inFlight.append((to: sender == .client ? .server : .client, bytes: datagram))
        }
    }

    var clientKeys: SrtpKeyingMaterial? { DtlsTestPair.keys(in: clientEvents) }
    var serverKeys: SrtpKeyingMaterial? { DtlsTestPair.keys(in: serverEvents) }

    static func keys(in events: [DtlsEvent]) -> SrtpKeyingMaterial? {
        for case let .connected(keys) in events { return keys }
        return nil
    }
}

/// Sleeps the calling thread; OpenSSL's retransmission timer runs on real time.
func dtlsSleep(milliseconds: Int) {
    var request = timespec(tv_sec: milliseconds / 1_000, tv_nsec: (milliseconds % 1_000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
}
