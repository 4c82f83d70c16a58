/// The board profiles shipped in `Board/`, compiled into the binary so one file is the whole
/// appliance (`Sources/Config/Embedded/Board` is a symlink to the repository's `Board/`).
public enum BuiltInBoards {
    /// The names `[box] board` accepts.
    public static let names = ["simulated", "usb-handset"]

    /// The profile text, or nil for a name that is not built in.
    public static func text(named name: String) -> [UInt8]? {
        switch name {
        case "simulated": PackageResources.simulated_conf
        case "usb-handset": PackageResources.usb_handset_conf
        default: nil
        }
    }

    /// How messages name a built-in profile's file.
    public static func source(named name: String) -> String { "built-in:Board/\(name).conf" }
}

/// The demo config (`Provisioning/demo.conf`), compiled in so `callbox run` works on any
/// machine with no file at all.
public enum BuiltInConfig {
    public static var demo: [UInt8] { PackageResources.demo_conf }

    /// How messages name the demo config.
    public static let demoSource = "built-in:Provisioning/demo.conf"
}
