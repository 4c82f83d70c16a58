/// One key a section accepts: its name, its default in config spelling (parsed by the same
/// code as a written value, so a default can never disagree with the documented syntax),
/// and whether the file must set it.
struct KeySchema {
    let name: String
    let defaultValue: String?
    let isRequired: Bool

    static func optional(_ name: String, default value: String? = nil) -> KeySchema {
        KeySchema(name: name, defaultValue: value, isRequired: false)
    }

    static func required(_ name: String) -> KeySchema {
        KeySchema(name: name, defaultValue: nil, isRequired: true)
    }
}

/// A section and its keys. `isNamed` sections (`[agent NAME]`) may appear once per name.
struct SectionSchema {
    let name: String
    let isNamed: Bool
    let keys: [KeySchema]

    func key(_ name: String) -> KeySchema? { keys.first { $0.name == name } }
    var keyNames: [String] { keys.map(\.name) }
}

/// The known sections and keys of every file Callbox reads (DESIGN.md §5). Keys whose need
/// depends on another value (`secrets` and the WhatsApp ids unless `graph_url = sandbox`,
/// a TLS key beside a certificate) are optional here and checked where that value is known.
enum ConfigSchema {
    static let box = SectionSchema(name: "box", isNamed: false, keys: [
        .required("name"),
        .required("data_dir"),
        .optional("max_calls", default: "8"),
        .optional("max_database_size", default: "1GiB"),
        .optional("secrets"),
        .optional("board"),
    ])
    static let http = SectionSchema(name: "http", isNamed: false, keys: [
        .required("listen"),
        .optional("public_url"),
        .optional("tls_cert"),
        .optional("tls_key"),
        .optional("max_body", default: "1MiB"),
        .optional("frame_ancestors"),
        .optional("webhook_sources", default: "meta"),
        .optional("trusted_proxies", default: "none"),
    ])
    static let whatsapp = SectionSchema(name: "whatsapp", isNamed: false, keys: [
        .optional("phone_number_id"),
        .optional("business_number"),
        .optional("graph_url", default: "https://graph.facebook.com"),
        .optional("graph_version", default: "v24.0"),
    ])
    static let hubspot = SectionSchema(name: "hubspot", isNamed: false, keys: [
        .optional("api_url", default: "https://api.hubapi.com"),
        .optional("portal_id"),
        .optional("app_id"),
        .optional("log_messages", default: "on"),
    ])
    static let permissions = SectionSchema(name: "permissions", isNamed: false, keys: [
        .optional("request_cooldown", default: "24h"),
        .optional("max_requests_per_week", default: "2"),
        .optional("temporary_validity", default: "7d"),
        .optional("revoke_after_missed", default: "4"),
    ])
    static let routing = SectionSchema(name: "routing", isNamed: false, keys: [
        .optional("ring_timeout", default: "45s"),
        .optional("owner_first", default: "15s"),
        .optional("handset", default: "always"),
    ])
    static let agent = SectionSchema(name: "agent", isNamed: true, keys: [
        .required("email"),
        .required("password_hash"),
        .optional("hubspot_owner_id"),
    ])
    static let media = SectionSchema(name: "media", isNamed: false, keys: [
        .optional("addresses"),
    ])
    static let dev = SectionSchema(name: "dev", isNamed: false, keys: [
        .optional("host_simulator", default: "off"),
        .optional("call_control", default: "off"),
    ])

    /// `callbox.conf`, in the order the example file documents them.
    static let configSections = [box, http, whatsapp, hubspot, permissions, routing, agent, media, dev]

    static let audio = SectionSchema(name: "audio", isNamed: false, keys: [
        .required("playback"),
        .required("capture"),
        .optional("rate", default: "48000"),
        .optional("channels", default: "1"),
        .optional("period", default: "20ms"),
        .optional("buffer", default: "80ms"),
        .optional("pacing", default: "device"),
    ])
    static let hook = SectionSchema(name: "hook", isNamed: false, keys: [
        .optional("source", default: "none"),
    ])
    static let ringer = SectionSchema(name: "ringer", isNamed: false, keys: [
        .optional("output", default: "none"),
    ])

    /// Board profiles (`Board/*.conf`).
    static let boardSections = [audio, hook, ringer]

    /// The secrets file: keys at the top, no sections. The WhatsApp ones are required unless
    /// the box talks to the built-in sandbox; without the HubSpot token nothing is logged to HubSpot.
    static let secretKeys = ["whatsapp_access_token", "whatsapp_app_secret", "whatsapp_verify_token", "hubspot_access_token",
                             "hubspot_developer_api_key"]
}
