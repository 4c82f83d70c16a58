/// `[hubspot]`: the CRM API calls, messages and contacts are logged to.
public struct HubSpotSettings: Hashable, Sendable {
    public var apiURL: HTTPURL
    public var portalID: String?
    public var appID: String?
    /// Log WhatsApp messages to HubSpot as communications (calls are always logged).
    public var logMessages: Bool

    static func read(_ reader: inout SectionReader) -> HubSpotSettings {
        HubSpotSettings(
            apiURL: reader.value("api_url", HTTPURL.parseForTokens) ?? HTTPURL(isSecure: true, host: "", port: nil, path: ""),
            portalID: reader.value("portal_id", IntegerValue.identifier),
            appID: reader.value("app_id", IntegerValue.identifier),
            logMessages: reader.value("log_messages", SwitchValue.parse) ?? true)
    }
}
