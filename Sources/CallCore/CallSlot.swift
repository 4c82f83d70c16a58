/// One call's fixed-size fields. SDP text is not here: the daemon journals it keyed by the
/// call, and actions only name the call.
public struct CallSlot: Hashable, Sendable {
    public internal(set) var handle: CallHandle
    /// Nil only while an outbound call is `dialing`.
    public internal(set) var id: CallId?
    public internal(set) var direction: CallDirection
    public internal(set) var remote: WhatsAppUser
    public internal(set) var business: PhoneNumber
    public internal(set) var state: CallState
    /// When the box received the connect webhook or placed the dial.
    public internal(set) var offeredAt: Instant
    public internal(set) var answeredAt: Instant?
    public internal(set) var answerer: Answerer?
    /// Set when the box itself starts ending the call; a later terminate webhook does not overwrite it.
    public internal(set) var endReason: EndReason?
    /// True once `startMedia` was emitted, so exactly one `stopMedia` follows.
    public internal(set) var mediaStarted: Bool
    public internal(set) var timer: ArmedTimer?
    /// Events this call accepted, the one that created it included, for logs and `/metrics`.
    public internal(set) var events: UInt32
    var timerGeneration: UInt32
}
