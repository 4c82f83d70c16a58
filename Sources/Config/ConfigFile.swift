/// `key = value` on one line, remembering where it was written.
struct ConfigEntry: Equatable {
    let key: String
    let value: String
    let line: Int
}

/// `[name]` or `[name argument]` (as in `[agent alice]`) and the entries under it.
struct ConfigSection: Equatable {
    let name: String
    let argument: String?
    let line: Int
    var entries: [ConfigEntry]
}

/// The line-numbered INI structure of one file, before any schema is applied.
///
/// Syntax: `[section]` or `[section NAME]`, `key = value`, blank lines, and comments on lines
/// whose first non-blank character is `#` or `;`. A `#` later in a line is part of the value,
/// never a comment: URLs (`…#fragment`), password hashes and tokens may contain it, and cutting
/// them silently would be worse than the error a stray inline comment gets on a typed value.
/// Whitespace around keys, values and section names is trimmed; `\r\n` line ends are accepted.
/// Syntax problems never quote the line, because the secrets file uses the same syntax.
struct ConfigFile {
    let file: String
    /// Entries before the first section header (the whole secrets file).
    private(set) var topLevel: [ConfigEntry] = []
    private(set) var sections: [ConfigSection] = []
    private(set) var problems: [ConfigProblem] = []

    private static let tab = UInt8(ascii: "\t"), carriageReturn = UInt8(ascii: "\r"), delete: UInt8 = 0x7F

    init(bytes: [UInt8], file: String) {
        self.file = file
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            // A NUL would cut a path or address short at the C boundary; other control
            // characters are never meant. Tabs and a carriage return are white space.
            if let control = rawLine.first(where: { ($0 < 0x20 && $0 != Self.tab && $0 != Self.carriageReturn) || $0 == Self.delete }) {
                problem(lineNumber, "line contains a control character (byte \(control))")
                continue
            }
            let text = String(decoding: rawLine, as: UTF8.self).trimmingConfigSpace()
            if text.isEmpty || text.hasPrefix("#") || text.hasPrefix(";") { continue }
            if text.hasPrefix("[") {
                parseHeader(text, line: lineNumber)
            } else {
                parseEntry(text, line: lineNumber)
            }
        }
    }

    private mutating func parseHeader(_ text: String, line: Int) {
        guard let close = text.firstIndex(of: "]") else {
            problem(line, "section header is missing its closing ']'")
            return
        }
        if text[text.index(after: close)...].trimmingConfigSpace().isEmpty == false {
            problem(line, "unexpected text after ']' in a section header")
            return
        }
        let inside = text[text.index(after: text.startIndex)..<close].trimmingConfigSpace()
        if inside.isEmpty {
            problem(line, "empty section name '[]'")
            return
        }
        let name: String, argument: String?
        if let space = inside.firstIndex(where: \.isConfigSpace) {
            name = String(inside[..<space])
            argument = inside[space...].trimmingConfigSpace()
        } else {
            name = inside
            argument = nil
        }
        sections.append(ConfigSection(name: name, argument: argument, line: line, entries: []))
    }

    private mutating func parseEntry(_ text: String, line: Int) {
        guard let equals = text.firstIndex(of: "=") else {
            problem(line, "expected 'key = value', '[section]' or a # comment")
            return
        }
        let key = text[..<equals].trimmingConfigSpace()
        if key.isEmpty {
            problem(line, "missing key name before '='")
            return
        }
        let value = text[text.index(after: equals)...].trimmingConfigSpace()
        let entry = ConfigEntry(key: key, value: value, line: line)
        if sections.isEmpty {
            topLevel.append(entry)
        } else {
            sections[sections.count - 1].entries.append(entry)
        }
    }

    private mutating func problem(_ line: Int, _ message: String) {
        problems.append(ConfigProblem(file: file, line: line, message: message))
    }
}

extension Character {
    /// Spaces, tabs and a stray carriage return from a file written on Windows.
    var isConfigSpace: Bool { self == " " || self == "\t" || self == "\r" }
}

extension StringProtocol {
    func trimmingConfigSpace() -> String {
        guard let first = firstIndex(where: { !$0.isConfigSpace }),
              let last = lastIndex(where: { !$0.isConfigSpace }) else { return "" }
        return String(self[first...last])
    }
}
