import Glibc

/// Host candidates from the machine's interfaces (RFC 8445 §5.1.1.1).
///
/// The integrator binds one UDP socket per address family to the wildcard address, the IPv6
/// one on the same port as the IPv4 one where the port is free, and passes those ports here;
/// every interface address of a family becomes a candidate on that family's port. (A single
/// dual-stack socket works too: pass its port for both.)
public enum IceCandidateGatherer {
    /// Interface addresses that can carry media: up, not loopback unless `includeLoopback`
    /// (tests and the sandbox use 127.0.0.1 and ::1), never link-local (they need a zone id).
    /// IPv6 first, as RFC 8421 §4 prefers it.
    public static func interfaceAddresses(includeLoopback: Bool = false) -> [SocketAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            let flags = Int32(bitPattern: entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, let socketAddress = entry.pointee.ifa_addr else { continue }
            let family = Int32(socketAddress.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var storage = sockaddr_storage()
            let size = family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: socketAddress, count: size)) }
            guard let address = SocketAddress(storage: storage), !address.isLinkLocal else { continue }
            if (address.isLoopback || flags & Int32(IFF_LOOPBACK) != 0) && !includeLoopback { continue }
            if !addresses.contains(address) { addresses.append(address) }
        }
        return addresses.filter { !$0.isIPv4 } + addresses.filter(\.isIPv4)
    }

    /// One host candidate per interface address, on `ipv4Port` / `ipv6Port` (nil: that family
    /// has no socket), local preference falling with list order, at most
    /// `IceLimits.maxLocalCandidates`.
    public static func hostCandidates(ipv4Port: UInt16?, ipv6Port: UInt16?, includeLoopback: Bool = false) -> [IceCandidate] {
        let addresses = interfaceAddresses(includeLoopback: includeLoopback).compactMap { address -> SocketAddress? in
            guard let port = address.isIPv4 ? ipv4Port : ipv6Port else { return nil }
            return SocketAddress(ip: address.ip, port: port)
        }
        return hostCandidates(addresses: addresses)
    }

    /// Host candidates for an explicit list of bound addresses (configured interfaces, tests).
    public static func hostCandidates(addresses: [SocketAddress]) -> [IceCandidate] {
        addresses.prefix(IceLimits.maxLocalCandidates).enumerated().map { position, address in
            IceCandidate(type: .host, address: address, localPreference: IceCandidate.maxLocalPreference - UInt32(position))
        }
    }

    /// The server-reflexive candidate for a mapped address learned by `StunBindingClient`
    /// from the socket bound to `base` (RFC 8445 §5.1.1.2).
    public static func serverReflexiveCandidate(mapped: SocketAddress, base: IceCandidate) -> IceCandidate {
        IceCandidate(type: .srflx, address: mapped, localPreference: base.localPreference, relatedAddress: base.address)
    }
}
