/// A BYE packet (RFC 3550 §6.6, PT 203): the sources leaving, and an optional reason.
public struct RtcpBye: Equatable, Sendable {
    public var ssrcs: [UInt32]
    public var reason: [UInt8]?

    public init(ssrcs: [UInt32], reason: [UInt8]? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }
}
