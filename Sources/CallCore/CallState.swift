/// Where a call is. Live states hold a slot; the four terminal states are only ever the
/// `to` of a transition, after which the slot is free and the id is remembered in
/// `RecentlyEndedCalls`.
public enum CallState: Hashable, Sendable {
    /// Outbound: `connect` sent, Graph has not yet returned the call id. A hang-up in this
    /// state can only be carried out once the id is known.
    case dialing(hangupRequested: Bool)
    /// Inbound: the handset and widgets ring. Outbound: Meta accepted `connect`; the user's
    /// phone may or may not ring yet.
    case ringing(RingingProgress)
    /// Inbound: staff answered; the box is sending pre_accept, then accept (spec §3.1).
    case answering(AnsweringStep)
    /// Answered: media may flow (inbound only after accept returned 200, spec §3.1).
    case active(ActiveMedia)
    /// The box sent `terminate` and waits for Graph's answer or Meta's terminate webhook.
    case ending
    case ended
    case missed
    case rejected
    case failed

    /// The stable spelling of a state in journal rows, snapshots and `/metrics`.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case dialing, ringing, answering, active, ending, ended, missed, rejected, failed

        public var isTerminal: Bool {
            switch self {
            case .ended, .missed, .rejected, .failed: true
            case .dialing, .ringing, .answering, .active, .ending: false
            }
        }
    }

    public var name: Name {
        switch self {
        case .dialing: .dialing
        case .ringing: .ringing
        case .answering: .answering
        case .active: .active
        case .ending: .ending
        case .ended: .ended
        case .missed: .missed
        case .rejected: .rejected
        case .failed: .failed
        }
    }
}

/// What the box knows about the far end while a call rings.
public struct RingingProgress: Hashable, Sendable {
    /// Meta's SDP has arrived: the offer of an inbound connect, the answer of an outbound one.
    public var remoteSDPReceived: Bool
    /// The WhatsApp user's phone is known to ring (outbound `RINGING` status, spec §2.4).
    public var remoteAlerted: Bool

    public init(remoteSDPReceived: Bool, remoteAlerted: Bool) {
        self.remoteSDPReceived = remoteSDPReceived
        self.remoteAlerted = remoteAlerted
    }

    /// An inbound connect carries Meta's offer, and the caller is already waiting (spec §2.2).
    public static let inbound = RingingProgress(remoteSDPReceived: true, remoteAlerted: true)
    /// Graph returned the id of an outbound call; nothing has come back from Meta yet.
    public static let outbound = RingingProgress(remoteSDPReceived: false, remoteAlerted: false)
}

/// Which Graph request of the answer sequence is in flight.
public enum AnsweringStep: Hashable, Sendable {
    case preAccepting
    case accepting
}

/// The media of an answered call.
public struct ActiveMedia: Hashable, Sendable {
    /// False only for an outbound call whose ACCEPTED status overtook the connect webhook
    /// carrying Meta's answer: media starts when that webhook arrives.
    public var remoteSDPReceived: Bool
    public var mediaConnected: Bool

    public init(remoteSDPReceived: Bool, mediaConnected: Bool) {
        self.remoteSDPReceived = remoteSDPReceived
        self.mediaConnected = mediaConnected
    }
}
