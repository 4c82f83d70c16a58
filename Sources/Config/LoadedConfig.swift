/// A validated `callbox.conf` with everything it refers to: typed sections, the board
/// profile and the secrets. Only a config without a single problem becomes one.
public struct LoadedConfig: Hashable, Sendable {
    /// The config's path, or `built-in:Provisioning/demo.conf`.
    public var source: String
    public var box: BoxSettings
    public var http: HTTPSettings
    public var whatsapp: WhatsAppSettings
    public var hubspot: HubSpotSettings
    public var permissions: PermissionSettings
    public var routing: RoutingSettings
    /// In file order.
    public var agents: [AgentSettings]
    public var media: MediaSettings
    public var dev: DevSettings
    /// nil when `[box] board` is not set: the box has no handset.
    public var board: BoardProfile?
    public var secrets: Secrets
}
