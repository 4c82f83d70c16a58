/// The widget's files as compiled into the binary (`Sources/Callbox/Widget`, embedded by
/// SwiftPM, which names each constant after the file's base name). Every file in that folder
/// must have a row here; `WidgetFilesTests` fails when one is missing.
struct WidgetFile {
    let bytes: [UInt8]
    let contentType: String
}

enum WidgetFiles {
    /// Served at `/widget/<name>`; `index.html` also at `/widget/`.
    static let widget: [String: WidgetFile] = table([
        ("index.html", PackageResources.index_html),
        ("calling-extensions.js", PackageResources.calling_extensions_js),
        ("calling-relay.js", PackageResources.calling_relay_js),
        ("app.js", PackageResources.app_js),
        ("widget-state.js", PackageResources.widget_state_js),
        ("hubspot-link.js", PackageResources.hubspot_link_js),
        ("screens.js", PackageResources.screens_js),
        ("sign-in.js", PackageResources.sign_in_js),
        ("dialing.js", PackageResources.dialing_js),
        ("incoming.js", PackageResources.incoming_js),
        ("call.js", PackageResources.call_js),
        ("live-events.js", PackageResources.live_events_js),
        ("box-api.js", PackageResources.box_api_js),
        ("browser-call.js", PackageResources.browser_call_js),
        ("comms-panel.js", PackageResources.comms_panel_js),
        ("plain-words.js", PackageResources.plain_words_js),
        ("styles.css", PackageResources.styles_css),
    ])

    /// Served at `/dev/<name>` only with `[dev] host_simulator = on`; `.html` may be left off.
    static let hostSimulator: [String: WidgetFile] = table([
        ("hubspot.html", PackageResources.hubspot_html),
        ("hubspot-host.js", PackageResources.hubspot_host_js),
        ("hubspot.css", PackageResources.hubspot_css),
        ("sender.html", PackageResources.sender_html),
        ("sender.js", PackageResources.sender_js),
    ])

    static func table(_ rows: [(String, [UInt8])]) -> [String: WidgetFile] {
        var files: [String: WidgetFile] = [:]
        for (name, bytes) in rows { files[name] = WidgetFile(bytes: bytes, contentType: contentType(of: name)) }
        return files
    }

    static func contentType(of name: String) -> String {
        let suffix = name.split(separator: ".").last.map(String.init) ?? ""
        switch suffix {
        case "html": return "text/html; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "wav": return "audio/wav"
        default: return "application/octet-stream"
        }
    }
}
