/// Entry points for the `ConfigFuzz` target into parsers that are not public API.
public enum ConfigFuzzing {
    /// Parses bytes as a secrets file (no mode check: there is no file).
    public static func secrets(_ bytes: [UInt8]) -> [ConfigProblem] {
        Secrets.parse(bytes: bytes, file: "fuzz-secrets.conf", isSandbox: false).1
    }
}
