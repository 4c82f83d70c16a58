/// `[box]`: who this box is and where it keeps its state.
public struct BoxSettings: Hashable, Sendable {
    public var name: String
    /// Absolute; the journal, the simulated board's audio files and its hook FIFO live here.
    public var dataDirectory: String
    /// Call table slots, allocated at start (DESIGN.md §4, "Fixed memory").
    public var maxCalls: Int
    /// Absolute path of the secrets file; nil when the sandbox runs on its built-in secrets.
    public var secretsPath: String?
    /// nil when the box has no handset: it serves only the widget.
    public var board: BoardReference?
    /// The journal's size budget in bytes: warned of near it, and webhooks refused with 503
    /// (Meta redelivers) at it, so the journal never fills the card the OS lives on.
    public var maxDatabaseSize: Int

    /// 1 GiB holds years of a small office's calls and messages once processed bodies are
    /// pruned after 7 days; the floor leaves room for the schema and a day's traffic.
    static let databaseSizes = (1 << 20)...(1 << 40)
    static let defaultDatabaseSize = 1 << 30

    /// A call table slot holds fixed-size fields; 64 concurrent calls is far beyond what one
    /// small box and one office line need, and bounds the memory reserved at start.
    static let callSlots = 1...64

    static func read(_ reader: inout SectionReader, configDirectory: String) -> BoxSettings {
        BoxSettings(
            name: reader.text("name") ?? "",
            dataDirectory: reader.value("data_dir", ConfigPath.parse(against: configDirectory)) ?? configDirectory,
            maxCalls: reader.value("max_calls") { IntegerValue.parse($0, within: callSlots) } ?? callSlots.lowerBound,
            secretsPath: reader.value("secrets", ConfigPath.parse(against: configDirectory)),
            board: reader.value("board") { BoardReference.parse($0, against: configDirectory) },
            maxDatabaseSize: reader.value("max_database_size") { ByteSize.parse($0, within: databaseSizes) } ?? defaultDatabaseSize)
    }
}

/// `[box] board`: a built-in profile by name (`simulated`), or a profile file by path.
/// A value with a `/` or ending in `.conf` is a path; anything else is a built-in name.
public enum BoardReference: Hashable, Sendable {
    case builtIn(String)
    case file(String)

    static func parse(_ text: String, against directory: String) -> ValueParse<BoardReference> {
        if text.contains("/") || text.hasSuffix(".conf") {
            return .success(.file(ConfigPath.resolve(text, against: directory)))
        }
        guard BuiltInBoards.names.contains(text) else {
            let hint = Suggestion.nearest(to: text, among: BuiltInBoards.names).map { "; did you mean '\($0)'?" } ?? ""
            return .failure(ValueProblem("a built-in board (\(BuiltInBoards.names.joined(separator: ", "))) or the path of a profile file\(hint)"))
        }
        return .success(.builtIn(text))
    }
}
