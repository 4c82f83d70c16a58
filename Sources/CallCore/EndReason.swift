/// Why a call ended, as the call record and the HubSpot log state it.
public enum EndReason: Hashable, Sendable {
    /// Terminate webhook with COMPLETED: the WhatsApp user hung up or Meta ended the call.
    case remoteHangup
    /// Terminate webhook with FAILED (spec §2.5, codes 138019–138023).
    case remoteFailure
    /// REJECTED status or terminate webhook: the WhatsApp user declined.
    case remoteRejected
    case localHangup
    case localDecline
    case ringTimeout
    case answerTimeout
    case noMedia
    case dialTimeout
    case graphFailure(GraphFailure)
    /// The box restarted while the call's media or Graph request was in flight.
    case lostInRestart
}
