/// One line of a session description as written: its type letter, the text after `=`,
/// and its 1-based number in the parsed text.
public struct SDPLine: Equatable, Sendable {
    public let type: Character
    public let value: String
    public let line: Int

    public init(type: Character, value: String, line: Int) {
        self.type = type
        self.value = value
        self.line = line
    }
}
