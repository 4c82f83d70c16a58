import CallCore
import Runtime

/// The widget's session cookie. HubSpot shows the widget in an iframe on its own site, so
/// the cookie is a third-party cookie there: it must be `SameSite=None`, which browsers only
/// accept with `Secure`, i.e. over TLS. `Partitioned` (CHIPS) keeps it working in browsers
/// that block unpartitioned third-party cookies; it is keyed to HubSpot's site, which is
/// the only place the widget runs.
///
/// Without TLS (the demo on http://127.0.0.1) browsers drop a `SameSite=None` cookie that
/// lacks `Secure`, so the box falls back to `SameSite=Lax`: the widget then works when the
/// page is opened directly or through the built-in host simulator, which share its site.
struct SessionCookie {
    static let name = "callbox_session"

    let secure: Bool

    /// `Set-Cookie` for a new session that the browser keeps for `lifetime`.
    func setting(_ token: String, lifetime: TimeSpan) -> (name: String, value: String) {
        ("Set-Cookie", "\(Self.name)=\(token); Max-Age=\(lifetime.seconds); \(attributes)")
    }

    /// `Set-Cookie` that makes the browser forget the session cookie.
    func clearing() -> (name: String, value: String) {
        ("Set-Cookie", "\(Self.name)=; Max-Age=0; \(attributes)")
    }

    private var attributes: String {
        secure ? "Path=/; HttpOnly; Secure; SameSite=None; Partitioned" : "Path=/; HttpOnly; SameSite=Lax"
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
