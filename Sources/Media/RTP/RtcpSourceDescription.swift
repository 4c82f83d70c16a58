/// An SDES packet (RFC 3550 §6.5, PT 202). Only CNAME matters to the box (it ties the
/// peer's streams together); other items are skipped.
public struct RtcpSourceDescription: Equatable, Sendable {
    public struct Chunk: Equatable, Sendable {
        public var ssrc: UInt32
        /// The CNAME item's bytes, nil when the chunk has none.
        public var cname: [UInt8]?

        public init(ssrc: UInt32, cname: [UInt8]?) {
            self.ssrc = ssrc
            self.cname = cname
        }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }
}
