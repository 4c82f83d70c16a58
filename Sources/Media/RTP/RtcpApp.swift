/// An APP packet (RFC 3550 §6.7, PT 204): kept opaque.
public struct RtcpApp: Equatable, Sendable {
    public var subtype: UInt8
    public var ssrc: UInt32
    /// Four ASCII characters.
    public var name: UInt32
    public var data: [UInt8]

    public init(subtype: UInt8, ssrc: UInt32, name: UInt32, data: [UInt8]) {
        self.subtype = subtype
        self.ssrc = ssrc
        self.name = name
        self.data = data
    }
}
