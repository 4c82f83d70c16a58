import CallCore
import Runtime

/// The widget's session cookie. HubSpot shows the widget in an iframe on its own site, so
/// the cookie is a third-party cookie there: it must be `SameSite=None`, which browsers only
/// accept with `Secure`, i.e. over TLS. `Partitioned` (CHIPS) keeps it working in browsers
/// that block unpartitioned third-party cookies; it is keyed to HubSpot's site, which is
/// the only place the widget runs.
///
/// Browsers treat http://localhost (and the loopback literals) as a secure context and
/// accept `Secure` cookies from it, so a request addressed to one of those names gets the
/// third-party cookie too: the host simulator embeds the widget from another loopback
/// origin. Elsewhere without TLS browsers drop a `SameSite=None` cookie that lacks `Secure`,
/// so the box falls back to `SameSite=Lax`: the widget then works when opened directly.
struct SessionCookie {
    static let name = "callbox_session"
    /// Host names a browser treats as a secure context over plain HTTP (W3C Secure Contexts §3.1).
    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    let tls: Bool

    /// `Set-Cookie` for a new session that the browser keeps for `lifetime`.
    func setting(_ token: String, lifetime: TimeSpan, host: String?) -> (name: String, value: String) {
        ("Set-Cookie", "\(Self.name)=\(token); Max-Age=\(lifetime.seconds); \(attributes(host: host))")
    }

    /// `Set-Cookie` that makes the browser forget the session cookie.
    func clearing(host: String?) -> (name: String, value: String) {
        ("Set-Cookie", "\(Self.name)=; Max-Age=0; \(attributes(host: host))")
    }

    /// Whether the cookie can be a third-party cookie for a request with this `Host` header.
    func isCrossSite(host: String?) -> Bool {
        tls || host.map { Self.loopbackHosts.contains(Self.hostName($0).lowercased()) } ?? false
    }

    private func attributes(host: String?) -> String {
        isCrossSite(host: host) ? "Path=/; HttpOnly; Secure; SameSite=None; Partitioned" : "Path=/; HttpOnly; SameSite=Lax"
    }

    /// `Host` without its port: `localhost:8080` → `localhost`, `[::1]:80` → `[::1]`.
    static func hostName(_ host: String) -> Substring {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return host[...close] }
        return host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(host)
    }

    /// The session token in a request's `Cookie` header (RFC 6265 §5.4: `name=value` pairs
    /// separated by `; `). Nil when absent or empty.
    static func token(in request: HTTPRequest) -> String? {
        guard let header = request.header("cookie") else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == Substring(name) else { continue }
            let value = trimmed[trimmed.index(after: equals)...]
            if !value.isEmpty { return String(value) }
        }
        return nil
    }
}
