/// The media engine's name for one call's media (the call table's handles belong to the
/// event loop; the media thread has its own sessions).
public struct MediaCallID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt32

    public init(raw: UInt32) { self.raw = raw }

    public var description: String { "media-\(raw)" }
}
