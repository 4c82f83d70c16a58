/// A call's fixed fields as the journal keeps them, to rebuild the table after a restart.
public struct CallSnapshot: Hashable, Sendable {
    public var id: CallId?
    public var direction: CallDirection
    public var remote: WhatsAppUser
    public var business: PhoneNumber
    public var state: CallState.Name
    public var offeredAt: Instant
    public var answeredAt: Instant?
    public var answerer: Answerer?

    public init(id: CallId?, direction: CallDirection, remote: WhatsAppUser, business: PhoneNumber,
                state: CallState.Name, offeredAt: Instant, answeredAt: Instant? = nil, answerer: Answerer? = nil) {
        self.id = id
        self.direction = direction
        self.remote = remote
        self.business = business
        self.state = state
        self.offeredAt = offeredAt
        self.answeredAt = answeredAt
        self.answerer = answerer
    }
}

/// Why a snapshot could not be restored.
public enum RestoreError: Error, Hashable, Sendable {
    /// Terminal calls were recorded before the restart; restoring them would record twice.
    case terminalState
    case tableFull
    /// Another restored call already has this id.
    case duplicateCall
    /// Only a dialing outbound call may lack an id.
    case missingCallId
    /// The state cannot occur in this direction (e.g. an outbound call `answering`).
    case impossibleState
}
