import Glibc

public enum LogLevel: Int, Comparable, Sendable {
    case debug, info, notice, warning, error

    /// syslog priorities, understood by journald when a line starts with `<N>`.
    var syslogPriority: Int {
        switch self {
        case .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One line per event on standard error, `<priority>component: message key=value …`:
/// journald files each line with its priority, and `journalctl -u callbox` reads well.
/// Values are quoted when they contain spaces. Secrets are never passed here; the types
/// that hold them do not print them.
public struct Logger: Sendable {
    public let component: String

    public init(_ component: String) { self.component = component }

    nonisolated(unsafe) public static var minimumLevel: LogLevel = .info
    /// Tests capture lines instead of writing them.
    nonisolated(unsafe) public static var sink: ((String) -> Void)?

    public func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.info, message, fields) }
    public func notice(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.notice, message, fields) }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.error, message, fields) }

    public func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, String>) {
        guard level >= Logger.minimumLevel else { return }
        var line = "<\(level.syslogPriority)>\(component): \(message)"
        for (key, value) in fields {
            line += " \(key)=\(Logger.quoted(value))"
        }
        if let sink = Logger.sink {
            sink(line)
            return
        }
        line += "\n"
        // One write(2) per line keeps lines whole when the audio thread logs too.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        var escaped = "\""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}
