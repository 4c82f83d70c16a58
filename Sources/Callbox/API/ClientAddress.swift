import Config
import Runtime

/// Who sent a request: the socket's peer, or, when that peer is a reverse proxy named in
/// `[http] trusted_proxies`, the client its `X-Forwarded-For` names. Anybody can write that
/// header, so it is read only from a trusted proxy, and only as far as trusted proxies vouch
/// for it. Used for the sign-in throttle and the sign-in log.
struct ClientAddress {
    let trustedProxies: [AddressRange]

    func of(_ request: HTTPRequest) -> String {
        let peer = request.remoteAddress
        guard isTrusted(peer) else { return peer }
        // Each proxy appends the address it took the request from, so the list is read from the
        // right: the first hop that is not a trusted proxy is the client. What lies left of it
        // was written by the client and proves nothing.
        let hops = request.headers.filter { $0.name == "x-forwarded-for" }
            .flatMap { $0.value.split(separator: ",") }
            .map { Self.bare(String($0).trimmed()) }
        var nearest = peer
        for hop in hops.reversed() {
            guard AddressRange.bytes(of: hop) != nil else { return nearest }
            if !isTrusted(hop) { return hop }
            nearest = hop
        }
        return nearest
    }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address: address) }
    }

    /// `[2001:db8::1]` as some proxies write an IPv6 hop.
    private static func bare(_ hop: String) -> String {
        hop.hasPrefix("[") && hop.hasSuffix("]") ? String(hop.dropFirst().dropLast()) : hop
    }
}
