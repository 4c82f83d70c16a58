/// An `http://` or `https://` URL as config takes it (`public_url`, `graph_url`, `api_url`):
/// a host, an optional port, an optional path; no user info, no white space. A trailing `/`
/// is dropped so paths can be appended with one.
public struct HTTPURL: Hashable, Sendable, CustomStringConvertible {
    public let isSecure: Bool
    /// The host as written (`[::1]` keeps its brackets).
    public let host: String
    public let port: UInt16?
    /// Everything after the authority, without a trailing `/` (often empty).
    public let path: String

    /// 127.0.0.0/8, `::1` or `localhost`: a host the traffic never leaves the box for.
    public var isLoopback: Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }

    /// `https://`, or plain HTTP to this machine (a test fake): what may carry a bearer token.
    /// An `http://` API address elsewhere would send Meta's or HubSpot's token in clear.
    static func parseForTokens(_ text: String) -> ValueParse<HTTPURL> {
        let parsed = parse(text)
        if case .success(let url) = parsed, !url.isSecure, !url.isLoopback {
            return .failure(ValueProblem("an https:// URL (plain http:// would send the access token in clear; it is allowed only to 127.0.0.1 or localhost, for test fakes)"))
        }
        return parsed
    }

    public var description: String {
        (isSecure ? "https://" : "http://") + host + (port.map { ":\($0)" } ?? "") + path
    }

    static let expectation = "an http:// or https:// URL such as https://callbox.example.com"

    static func parse(_ text: String) -> ValueParse<HTTPURL> {
        let expected = ValueProblem(expectation)
        let lower = text.lowercased()
        let isSecure: Bool
        if lower.hasPrefix("https://") { isSecure = true } else if lower.hasPrefix("http://") { isSecure = false } else {
            return .failure(expected)
        }
        let rest = text.dropFirst(isSecure ? 8 : 7)
        guard !rest.contains(where: { $0 == " " || $0 == "\t" }) else { return .failure(expected) }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let (host, port) = splitAuthority(authority) else { return .failure(expected) }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        return .success(HTTPURL(isSecure: isSecure, host: host.lowercased(), port: port, path: path))
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`; nil for user info, an empty host or a bad port.
    static func splitAuthority(_ authority: Substring) -> (String, UInt16?)? {
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = authority, portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard host.count > (host.hasPrefix("[") ? 2 : 0), !host.contains(":") || host.hasPrefix("[") else { return nil }
        guard let portText else { return (String(host), nil) }
        guard let port = IntegerValue.digits(String(portText)), (1...Int(UInt16.max)).contains(port) else { return nil }
        return (String(host), UInt16(port))
    }
}
