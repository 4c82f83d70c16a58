import Glibc

/// One non-blocking UDP socket bound to one local address, carrying STUN, DTLS, RTP and
/// RTCP of a call (RFC 5764 demultiplexing, rtcp-mux). Used on the media thread only.
final class UdpSocket {
    /// Room for a burst of packets while the media thread is busy: 256 KiB.
    static let receiveBufferBytes: Int32 = 256 * 1024

    let descriptor: Int32
    let local: SocketAddress

    init(binding address: SocketAddress) throws(MediaSetupError) {
        let descriptor = socket(address.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .socket(String(cString: strerror(errno))) }
        var size = Self.receiveBufferBytes
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        if !address.isIPv4 {
            var only: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = address.withSockAddr { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .socket("bind \(address): \(reason)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0, let local = SocketAddress(storage: storage) else {
            close(descriptor)
            throw .socket("getsockname failed")
        }
        self.descriptor = descriptor
        self.local = local
    }

    deinit { close(descriptor) }

    /// One datagram into `buffer`; nil when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, from: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, buffer.baseAddress, buffer.count, 0, $0, &length)
            }
        }
        guard count >= 0, let source = SocketAddress(storage: storage) else { return nil }
        return (count, source)
    }

    func send(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress) {
        _ = destination.withSockAddr { sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, $1) }
    }
}
