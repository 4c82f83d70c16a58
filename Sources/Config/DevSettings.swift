/// `[dev]`: things only a developer's box turns on.
public struct DevSettings: Hashable, Sendable {
    /// Serve `GET /dev/hubspot`, a page that hosts the widget the way HubSpot does.
    public var hostSimulator: Bool

    static func read(_ reader: inout SectionReader) -> DevSettings {
        DevSettings(hostSimulator: reader.value("host_simulator", SwitchValue.parse) ?? false)
    }
}
