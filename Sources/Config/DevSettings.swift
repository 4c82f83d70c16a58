/// `[dev]`: things only a developer's box turns on.
public struct DevSettings: Hashable, Sendable {
    /// Serve `GET /dev/hubspot`, a page that hosts the widget the way HubSpot does.
    public var hostSimulator: Bool
    /// Serve `/dev/calls/…` to loopback clients: answer, decline, hang up and dial by API, for
    /// tests and `callbox simulate`.
    public var callControl: Bool

    static func read(_ reader: inout SectionReader) -> DevSettings {
        DevSettings(hostSimulator: reader.value("host_simulator", SwitchValue.parse) ?? false,
                    callControl: reader.value("call_control", SwitchValue.parse) ?? false)
    }
}
