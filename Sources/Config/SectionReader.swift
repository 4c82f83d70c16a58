/// Reads typed values out of one section, reporting each bad or missing value at its line.
/// The first occurrence of a duplicated key is the one read (the duplicate is already an error).
/// Settings readers stand in a placeholder for a refused value so reading goes on and finds
/// the next problem; a config with any problem is never returned, so no placeholder escapes.
struct SectionReader {
    let file: String
    /// `[routing]`, `[agent alice]`.
    let label: String
    /// The `[agent NAME]` name, when the section has one.
    let argument: String?
    /// The header's line, where a missing key is reported; line 1 when the section is absent.
    let headerLine: Int
    private let schema: SectionSchema
    private var entries: [String: ConfigEntry] = [:]
    private(set) var problems: [ConfigProblem] = []

    init(file: String, section: ConfigSection?, schema: SectionSchema) {
        self.file = file
        self.schema = schema
        label = section.map(SchemaCheck.label) ?? "[\(schema.name)]"
        argument = section?.argument
        headerLine = section?.line ?? ConfigProblem.fileLevelLine
        for entry in section?.entries ?? [] where entries[entry.key] == nil {
            entries[entry.key] = entry
        }
        for key in schema.keys where key.isRequired && entries[key.name] == nil {
            report(headerLine, "missing required key '\(key.name)' in \(label)")
        }
    }

    func isSet(_ key: String) -> Bool { entries[key] != nil }

    /// Where a key was written, or the section header when it was not.
    func line(of key: String) -> Int { entries[key]?.line ?? headerLine }

    /// Reports a key that this section needs only in some configurations.
    mutating func requireKey(_ key: String, because reason: String) {
        if entries[key] == nil {
            report(headerLine, "missing required key '\(key)' in \(label); \(reason)")
        }
    }

    /// The written value, else the schema default, parsed; nil when absent without a default
    /// or when the value is bad (which is then reported).
    mutating func value<T>(_ key: String, _ parse: (String) -> ValueParse<T>) -> T? {
        let text: String, line: Int
        if let entry = entries[key] {
            (text, line) = (entry.value, entry.line)
        } else if let fallback = schema.key(key)?.defaultValue {
            (text, line) = (fallback, headerLine)
        } else {
            return nil
        }
        if text.isEmpty {
            report(line, "empty value for '\(key)' in \(label)")
            return nil
        }
        switch parse(text) {
        case .success(let value):
            return value
        case .failure(let problem):
            // An inline comment is the likeliest reason a typed value is refused.
            let hint = text.contains("#") ? "; '#' starts a comment only at the beginning of a line" : ""
            let shown = Self.unquotedKeys.contains(key) ? "" : " '\(Self.quoted(text))'"
            report(line, "bad value\(shown) for '\(key)' in \(label): expected \(problem.expected)\(hint)")
            return nil
        }
    }

    /// The raw text of a value (names, ids), refusing only an empty one.
    mutating func text(_ key: String) -> String? {
        value(key) { .success($0) }
    }

    mutating func report(_ line: Int, _ message: String) {
        problems.append(ConfigProblem(file: file, line: line, message: message))
    }

    /// Keys whose refused values are not quoted: an installer who pastes a plain password
    /// where its hash belongs must not find it in the service's journal.
    static let unquotedKeys: Set<String> = ["password_hash"]

    /// Values quoted in a message are cut short: a message is for a terminal, and a fuzzer or
    /// a pasted blob must not turn it into a page.
    private static let longestQuotedValue = 80

    static func quoted(_ text: String) -> String {
        text.count <= longestQuotedValue ? text : String(text.prefix(longestQuotedValue)) + "…"
    }
}
