import CallCore

/// One journaled change of a call's state, as the widgets hear of it (`call.state`).
struct CallStateChange {
    var handle: CallHandle
    /// The call's journal key at the change (`wacid.…`, or the box's local key before Meta named it).
    var key: String
    var state: CallState.Name
    var direction: CallCore.CallDirection
    var remote: WhatsAppUser
    var answerer: Answerer?
    var at: Instant
    /// Why it ended or is ending, in the journal's words.
    var endReason: String?
    /// The call record's outcome, on the change that closed the call.
    var outcome: String?
}
