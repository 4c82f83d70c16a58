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

    /// A call table slot holds fixed-size fields; 64 concurrent calls is far beyond what one
    /// small box and one office line need, and bounds the memory reserved at start.
    static let callSlots = 1...64

    static func read(_ reader: inout SectionReader, configDirectory: String) -> BoxSettings {
        BoxSettings(
            name: reader.text("name") ?? "",
            dataDirectory: reader.value("data_dir", ConfigPath.parse(against: configDirectory)) ?? configDirectory,
            maxCalls: reader.value("max_calls") { IntegerValue.parse($0, within: callSlots) } ?? callSlots.lowerBound,
            secretsPath: reader.value("secrets", ConfigPath.parse(against: configDirectory)),
            board: reader.value("board") { BoardReference.parse($0, against: configDirectory) })
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
