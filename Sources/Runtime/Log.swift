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
        var line = "<\(level.syslogPriority)>\(component): \(Logger.escaped(message))"
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

    /// Whether a scalar could end a line, start a forged one or drive a terminal: every C0 and
    /// C1 control (CR, LF, ESC…), DEL, and the Unicode line and paragraph separators. Checked
    /// per Unicode scalar, not per `Character`: `"\r\n"` is one Character, and a control
    /// followed by a combining mark is another, so a Character test lets them through.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }

    /// `text` with every unsafe scalar written as an escape (`\n`, `\r`, `\t`, `\u{1B}`),
    /// and backslashes doubled so an escape cannot be faked: one event is always one line.
    /// Invalid UTF-8 never gets here: a Swift String holds U+FFFD in its place.
    static func escaped(_ text: String, quotes: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) || $0 == "\\" || (quotes && $0 == "\"") }) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\"" where quotes: escaped.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
            case "\t": escaped.append(contentsOf: "\\t".unicodeScalars)
            case let control where isUnsafe(control):
                escaped.append(contentsOf: "\\u{\(String(control.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// A field's value, quoted when it holds a space, a quote, `=` or anything escaped.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || isUnsafe($0)
        }
        guard needsQuotes else { return value }
        return "\"" + escaped(value, quotes: true) + "\""
    }
}
