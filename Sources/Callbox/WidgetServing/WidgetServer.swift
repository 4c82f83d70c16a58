// WidgetServing/ owns serving the widget (the files in ../Widget, embedded) with its security
// headers, its config.json and the HubSpot host simulator. It uses no other folder.

import COpenSSL
import Config
import Runtime

/// Serves the embedded widget at `/widget/…`, its `config.json`, and the HubSpot host
/// simulator at `/dev/hubspot` (issue 5 contract, "Files"). Files are cached by ETag and
/// revalidated on every use, so a box upgrade reaches every open widget at its next load.
final class WidgetServer {
    /// HubSpot's production UI origins, one per data centre (na1, eu1, na2, na3, ap1: the hosts
    /// HubSpot's own CLI accepts, hubspot-recordings-and-inbound.md §4), always allowed; the
    /// widget's `Constants.hubSpotOrigins` is the same list. Exact names, never `*.hubspot.com`.
    static let defaultHubSpotOrigins = ["https://app.hubspot.com", "https://app-eu1.hubspot.com", "https://app-na2.hubspot.com",
                                        "https://app-na3.hubspot.com", "https://app-ap1.hubspot.com"]

    private let hubSpotOrigins: [String]
    private let publicOrigin: String?

    /// `scheme://host[:port]` of a URL, as browsers send it in `Origin`.
    static func origin(of url: HTTPURL) -> String {
        (url.isSecure ? "https://" : "http://") + url.host + (url.port.map { ":\($0)" } ?? "")
    }
    private let hostSimulator: Bool
    private let isSecure: Bool
    private let boxName: String
    /// The business's WhatsApp number in E.164, the widget's own line in what it tells HubSpot
    /// (`fromNumber` of outgoing calls, `toNumber` of incoming ones); nil when not configured.
    private let businessNumber: String?
    /// The listening port, known once the server is bound (a config may ask for port 0).
    var port: Int = 0
    private let etags: [String: String]
    /// Changes whenever any widget file changes; the widget can tell it was upgraded.
    let version: String

    init(http: HTTPSettings, dev: DevSettings, boxName: String, businessNumber: String? = nil) {
        self.businessNumber = businessNumber
        // `[http] frame_ancestors` adds to HubSpot's own origins: a portal on any data centre keeps working.
        hubSpotOrigins = Self.defaultHubSpotOrigins + http.frameAncestors.filter { !Self.defaultHubSpotOrigins.contains($0) }
        publicOrigin = http.publicURL.map(Self.origin(of:))
        hostSimulator = dev.hostSimulator
        isSecure = http.tls != nil
        self.boxName = boxName
        var etags: [String: String] = [:]
        var all: [UInt8] = []
        for (name, file) in WidgetFiles.widget.sorted(by: { $0.key < $1.key }) {
            etags[name] = Self.etag(file.bytes)
            all += Array(name.utf8) + file.bytes
        }
        for (name, file) in WidgetFiles.hostSimulator { etags["dev/" + name] = Self.etag(file.bytes) }
        self.etags = etags
        version = String(Self.etag(all).dropFirst().prefix(16))
    }

    /// `/widget`, `/widget/…`: nil when the path is not the widget's.
    func widget(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.path == "/widget" || request.path.hasPrefix("/widget/") else { return nil }
        guard request.method == "GET" || request.method == "HEAD" else {
            return ErrorBody.response(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path)")
        }
        // Relative module imports need the directory form.
        if request.path == "/widget" { return HTTPResponse(status: 301, headers: [("Location", "/widget/")]) }
        var name = String(request.path.dropFirst("/widget/".count))
        if name.isEmpty { name = "index.html" }
        if name == "config.json" { return configJSON() }
        guard let file = WidgetFiles.widget[name], let etag = etags[name] else {
            return ErrorBody.response(404, "not_found", "no widget file \(request.path)")
        }
        return serve(file, etag: etag, request, policy: widgetPolicy())
    }

    /// `/dev/hubspot` and its script and style; nil when the path is not the simulator's.
    func simulator(_ request: HTTPRequest) -> HTTPResponse? {
        var name = String(request.path.dropFirst("/dev/".count))
        if !name.contains(".") { name += ".html" }
        guard request.path.hasPrefix("/dev/"), let file = WidgetFiles.hostSimulator[name], let etag = etags["dev/" + name] else {
            return nil
        }
        guard hostSimulator else {
            return ErrorBody.response(404, "not_found", "the host simulator is off ([dev] host_simulator)")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return ErrorBody.response(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path)")
        }
        // The foreign sender is framed by the simulator from the other loopback origin.
        let ancestors = name == "sender.html" ? "*" : "'self'"
        return serve(file, etag: etag, request, policy: simulatorPolicy + "; frame-ancestors " + ancestors)
    }

    /// The origins whose SYNC the widget accepts: HubSpot's, and the simulator's when it is on.
    var hostOrigins: [String] { hubSpotOrigins + (hostSimulator ? loopbackOrigins : []) }

    /// The origins allowed to frame the widget (CSP `frame-ancestors`).
    var frameAncestors: [String] { ["'self'"] + hostOrigins + (publicOrigin.map { [$0] } ?? []) }

    private var loopbackOrigins: [String] {
        let scheme = isSecure ? "https" : "http"
        return ["\(scheme)://127.0.0.1:\(port)", "\(scheme)://localhost:\(port)"]
    }

    /// No inline script or style anywhere, nothing from third parties; `blob:` media for
    /// the call's audio element.
    func widgetPolicy() -> String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "media-src 'self' blob:; frame-ancestors \(frameAncestors.joined(separator: " ")); base-uri 'none'; form-action 'self'"
    }

    /// The simulator frames the widget from another origin, or from `?widget=` anywhere.
    private let simulatorPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; frame-src *; base-uri 'none'; form-action 'self'"

    private func configJSON() -> HTTPResponse {
        let body: JSONValue = [
            "host_origins": .array(hostOrigins.map { .string($0) }),
            "box_name": .string(boxName),
            "business_number": businessNumber.map { .string($0) } ?? .null,
            "version": .string(version),
        ]
        var response = HTTPResponse.json(200, JSONWriter.encode(body))
        response.headers += [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        return response
    }

    private func serve(_ file: WidgetFile, etag: String, _ request: HTTPRequest, policy: String) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("ETag", etag), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", policy), ("Referrer-Policy", "same-origin"),
        ]
        if let wanted = request.header("if-none-match"), Self.matches(wanted, etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.append(("Content-Type", file.contentType))
        return HTTPResponse(status: 200, headers: headers, body: file.bytes)
    }

    /// If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a `W/` prefix is ignored.
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { item in
            var tag = item.trimmingPrefix(" ")
            while tag.hasSuffix(" ") { tag.removeLast() }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == "*" || tag == etag
        }
    }

    /// A strong validator: the SHA-256 of the bytes, quoted (RFC 9110 §8.8.3).
    static func etag(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
        let hex = Array("0123456789abcdef")
        return "\"" + String(digest.prefix(16).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0x0f)]] }) + "\""
    }
}
