/// One `a=` line as written: `a=<name>` (a flag) or `a=<name>:<value>` (RFC 8866 §5.13).
/// Every attribute is kept, in order, whether or not Callbox understands it.
public struct SDPAttribute: Equatable, Sendable {
    public let name: String
    public let value: String?
    /// The line's 1-based number in the text it was parsed from.
    public let line: Int

    public init(name: String, value: String?, line: Int) {
        self.name = name
        self.value = value
        self.line = line
    }
}
