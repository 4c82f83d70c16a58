import Glibc

/// Where the HTTP server listens: `IPv4:port` or `[IPv6]:port`. Host names are refused
/// because the server binds an address, and a name could resolve differently at boot.
/// Port 0 (the kernel picks one) is allowed so tests can run side by side.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Hashable, Sendable { case ipv4, ipv6 }

    /// The address without brackets: `127.0.0.1`, `::1`.
    public let host: String
    public let port: UInt16
    public let family: Family

    public var description: String { family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func parse(_ text: String) -> ValueParse<ListenAddress> {
        let expected = ValueProblem("an IPv4 address and port (127.0.0.1:8080) or [IPv6]:port ([::1]:8080), port 0 to 65535")
        guard let colon = text.lastIndex(of: ":"),
              let port = IntegerValue.digits(String(text[text.index(after: colon)...])), port <= Int(UInt16.max) else {
            return .failure(expected)
        }
        var host = String(text[..<colon])
        let family: Family
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
            family = .ipv6
            guard isAddress(host, family: AF_INET6) else { return .failure(expected) }
        } else {
            family = .ipv4
            guard isAddress(host, family: AF_INET) else { return .failure(expected) }
        }
        return .success(ListenAddress(host: host, port: UInt16(port), family: family))
    }

    private static func isAddress(_ host: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return buffer.withUnsafeMutableBytes { inet_pton(family, host, $0.baseAddress) } == 1
    }
}
