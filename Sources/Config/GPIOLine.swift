/// One GPIO line, for a hook switch or a ringer relay: `gpio:CHIP:LINE[:active_low]`.
public struct GPIOLine: Hashable, Sendable {
    /// The character device, `/dev/gpiochip0` (a bare `gpiochip0` is looked up in `/dev`).
    public var chip: String
    public var line: Int
    /// The line reads 0 when the hook is off / drives 0 to ring.
    public var activeLow: Bool

    /// The GPIO character device numbers lines per chip; no SoC has more than this on one chip.
    static let lines = 0...1023
    static let activeLowWord = "active_low"

    /// `body` is what follows `gpio:`.
    static func parse(_ body: Substring, dataDirectory: String) -> GPIOLine? {
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == activeLowWord), !parts[0].isEmpty,
              let line = IntegerValue.digits(String(parts[1])), lines.contains(line) else { return nil }
        let chip = parts[0].contains("/") ? ConfigPath.resolve(String(parts[0]), against: dataDirectory) : "/dev/" + parts[0]
        return GPIOLine(chip: chip, line: line, activeLow: parts.count == 3)
    }
}
