import Runtime

/// The app's calling-extension settings (hubspot-calling-extensions.md §8.1): what HubSpot
/// shows in its call switcher and which URL it frames. One set per developer app.
public struct CallingSettings: Equatable, Sendable {
    /// The iframe size the widget is laid out for (the issue asks for 400×600).
    public static let widgetWidth = 400
    public static let widgetHeight = 600

    public var name: String
    public var url: String
    public var width = widgetWidth
    public var height = widgetHeight
    /// False keeps the provider hidden from users while it is being tried out.
    public var isReady: Bool
    /// Click-to-dial from custom objects works: HubSpot creates the engagement (`createEngagement`).
    public var supportsCustomObjects = true
    public var supportsInboundCalling = true
    /// The widget holds the call itself (WebRTC in its own frame), not in HubSpot's calling window.
    public var usesCallingWindow = false
    /// The widget works anchored to HubSpot's navigation bar, where inbound calls ring.
    public var usesRemote = true

    public init(name: String, url: String, isReady: Bool) {
        self.name = name
        self.url = url
        self.isReady = isReady
    }

    public var body: JSONValue {
        [
            "name": .string(name), "url": .string(url),
            "width": .integer(Int64(width)), "height": .integer(Int64(height)),
            "isReady": .bool(isReady), "supportsCustomObjects": .bool(supportsCustomObjects),
            "supportsInboundCalling": .bool(supportsInboundCalling),
            "usesCallingWindow": .bool(usesCallingWindow), "usesRemote": .bool(usesRemote),
        ]
    }

    /// `/crm/v3/extensions/calling/{appId}/settings`; GET reads, POST creates, PATCH updates.
    public static func path(appID: String) -> String { "/crm/v3/extensions/calling/\(appID)/settings" }
}
