/// A credential from the secrets file. Printing, interpolating, dumping or mirroring it shows
/// `<redacted>`, so a secret cannot reach a log, an error or `/metrics` by accident; the value
/// comes out only through `revealed`, which a reviewer can search for.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The credential itself, for the one place that sends it (an HTTP header, an HMAC key).
    public var revealed: String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Compares without leaking, through timing, how much of a guess was right (the webhook
    /// verify token is checked against what a caller sends).
    public func matches(_ candidate: String) -> Bool {
        let expected = Array(value.utf8), given = Array(candidate.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
