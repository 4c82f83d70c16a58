import Callbox
import Config
import HubSpot
import Runtime

/// `callbox hubspot register`: sends the widget's calling settings to HubSpot (spec §8.1),
/// creating them the first time and updating them afterwards. Exit 0 when HubSpot has them,
/// 1 for a problem (config, credentials, HubSpot's refusal), 2 for a usage error.
enum HubSpotRegisterCommand {
    static let usage = "hubspot register [--config FILE] [--url URL] [--not-ready] [--dry-run]"

    static func main(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        guard arguments.first == "register" else { return CommandLineTool.usageError(usage) }
        arguments.removeFirst()
        var options = Options(arguments)
        let path = options.value("--config")
        let url = options.value("--url")
        let notReady = options.flag("--not-ready")
        let dryRun = options.flag("--dry-run")
        guard options.finish(allowing: 0) else { return CommandLineTool.usageError(usage) }
        guard let config = CommandLineTool.loadConfig(path) else { return 1 }
        guard let appID = config.hubspot.appID else {
            return fail("set [hubspot] app_id to the developer app's id (HubSpot's developer account, app settings)")
        }
        guard let widgetURL = url ?? config.http.publicURL.map({ $0.description + "/widget/" }) else {
            return fail("set [http] public_url (the address HubSpot reaches this box at), or pass --url")
        }
        guard widgetURL.lowercased().hasPrefix("https://") else {
            return fail("the widget URL must be https:// (HubSpot frames only secure pages): \(widgetURL)")
        }
        let settings = CallingSettings(name: config.box.name.isEmpty ? "Callbox" : config.box.name,
                                       url: widgetURL, isReady: !notReady)
        let endpoint = config.hubspot.apiURL.description + CallingSettings.path(appID: appID)
        if dryRun {
            print("PATCH or POST \(endpoint)?hapikey=…")
            print(String(decoding: JSONWriter.encode(settings.body), as: UTF8.self))
            return 0
        }
        guard let key = config.secrets.hubspotDeveloperAPIKey else {
            return fail("add hubspot_developer_api_key (the developer account's API key) to the secrets file")
        }
        let authorized = endpoint + "?hapikey=" + PercentEncoding.queryValue(key.revealed)
        // Settings exist once per app: read them to choose between create and update.
        let existing = exchange("GET", authorized, body: nil)
        let method: String
        switch existing {
        case let .success(response) where response.status == 404: method = "POST"
        case let .success(response) where (200..<300).contains(response.status): method = "PATCH"
        case let .success(response): return refused(response, reading: true)
        case let .failure(error): return fail("cannot reach HubSpot at \(config.hubspot.apiURL): \(error)")
        }
        switch exchange(method, authorized, body: JSONWriter.encode(settings.body)) {
        case let .success(response) where (200..<300).contains(response.status):
            print("\(method == "POST" ? "registered" : "updated") the calling settings of app \(appID): "
                + "\(settings.name) at \(settings.url)\(settings.isReady ? "" : " (not ready: hidden from users)")")
            return 0
        case let .success(response): return refused(response, reading: false)
        case let .failure(error): return fail("cannot reach HubSpot at \(config.hubspot.apiURL): \(error)")
        }
    }

    private static func refused(_ response: HTTPClientResponse, reading: Bool) -> Int32 {
        let error = HubSpotError(response: response)
        let hint = error.kind == .auth ? " (check hubspot_developer_api_key and [hubspot] app_id)" : ""
        return fail("HubSpot refused to \(reading ? "read" : "save") the calling settings: HTTP \(response.status) "
            + "\(error.category.map { "\($0): " } ?? "")\(error.message)\(hint)")
    }

    private static func fail(_ text: String) -> Int32 {
        CommandLineTool.printError("callbox hubspot register: \(text)")
        return 1
    }

    private static func exchange(_ method: String, _ url: String, body: [UInt8]?) -> Result<HTTPClientResponse, HTTPClientError> {
        let loop = EventLoop()
        let client = HTTPClient(loop: loop)
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        var outcome: Result<HTTPClientResponse, HTTPClientError>?
        client.send(HTTPClientRequest(method: method, url: url, headers: headers, body: body ?? [],
                                      timeoutMilliseconds: HubSpotAPI.requestTimeoutMilliseconds)) { outcome = $0 }
        while true {
            if let outcome { return outcome }
            loop.runOnce(maximumWait: 100)
        }
    }
}
