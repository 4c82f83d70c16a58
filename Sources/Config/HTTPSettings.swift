/// `[http]`: the one HTTP server (webhooks, widget, API).
public struct HTTPSettings: Hashable, Sendable {
    public var listen: ListenAddress
    /// The address Meta and HubSpot reach this box at; nil when not set.
    public var publicURL: HTTPURL?
    /// Serve TLS with this certificate and key (absolute paths); nil serves plain HTTP,
    /// as behind a reverse proxy that terminates TLS.
    public var tls: TLSFiles?
    /// Largest request body accepted; larger ones get 413.
    public var maxBody: Int
    /// Origins allowed to frame the widget besides HubSpot's own, which are always allowed.
    public var frameAncestors: [String]
    /// Where Meta's webhooks come from: these may use the connection slots kept back when the
    /// box is nearly full. Headroom only; every webhook is still checked for its signature.
    public var webhookSources: [AddressRange]
    /// Reverse proxies whose `X-Forwarded-For` names the client; nobody else's is believed.
    public var trustedProxies: [AddressRange]

    public struct TLSFiles: Hashable, Sendable {
        public var certificate: String
        public var key: String
    }

    /// Webhook and API bodies are a few kilobytes; the floor keeps a typo from refusing them
    /// all, the ceiling keeps one request from taking the memory of a small box.
    static let bodySizes = (1 << 10)...(64 << 20)

    static func read(_ reader: inout SectionReader, configDirectory: String) -> HTTPSettings {
        let listen = reader.value("listen", ListenAddress.parse)
        let publicURL = reader.value("public_url", HTTPURL.parse)
        let certificate = reader.value("tls_cert", ConfigPath.parse(against: configDirectory))
        let key = reader.value("tls_key", ConfigPath.parse(against: configDirectory))
        var tls: TLSFiles?
        switch (reader.isSet("tls_cert"), reader.isSet("tls_key")) {
        case (true, false):
            reader.report(reader.line(of: "tls_cert"), "tls_cert is set but tls_key is not; set both or neither")
        case (false, true):
            reader.report(reader.line(of: "tls_key"), "tls_key is set but tls_cert is not; set both or neither")
        default:
            break
        }
        for (name, path) in [("tls_cert", certificate), ("tls_key", key)] {
            guard let path, let reason = FileReader.unreadableReason(path) else { continue }
            reader.report(reader.line(of: name), "cannot read \(name) '\(path)': \(reason)")
        }
        // The private key: readable by its owner and, as Debian's ssl-cert group does, a group;
        // never by others, and writable by no one else.
        if let key, case .success(let contents) = FileReader.read(key), contents.permissions & 0o026 != 0 {
            let mode = String(contents.permissions & 0o777, radix: 8)
            reader.report(reader.line(of: "tls_key"),
                          "tls_key '\(key)' is readable by others or writable by group or others (mode 0\(mode)); run chmod 600 \(key)")
        }
        if let certificate, let key {
            tls = TLSFiles(certificate: certificate, key: key)
        }
        return HTTPSettings(
            listen: listen ?? ListenAddress(host: "127.0.0.1", port: 0, family: .ipv4),
            publicURL: publicURL,
            tls: tls,
            maxBody: reader.value("max_body") { ByteSize.parse($0, within: bodySizes) } ?? bodySizes.lowerBound,
            frameAncestors: reader.value("frame_ancestors", FrameAncestors.parse) ?? [],
            webhookSources: reader.value("webhook_sources", AddressRanges.parse) ?? AddressRanges.metaWebhookSources,
            trustedProxies: reader.value("trusted_proxies", AddressRanges.parse) ?? [])
    }
}
