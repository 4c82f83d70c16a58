/// Why a document is not RFC 8259 JSON: the byte offset where reading stopped and what
/// the grammar expected there.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var expected: String

    public init(offset: Int, expected: String) {
        self.offset = offset
        self.expected = expected
    }

    public var description: String { "JSON byte \(offset): expected \(expected)" }
}
