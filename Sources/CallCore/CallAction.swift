/// What the daemon must do after an event, in order. A `journal` action, when present, is
/// first: the daemon commits it before running the rest (DESIGN §4 principle 3).
public enum CallAction: Hashable, Sendable {
    case journal(Transition)
    case graph(GraphRequest)
    /// POST `connect` with the offer the daemon holds for this handle (spec §3.2).
    case graphConnect(CallHandle, to: WhatsAppUser, from: PhoneNumber)
    case ring(CallHandle)
    case stopRinging(CallHandle)
    /// Start sending and receiving audio: for the handset the box's own media, for a browser
    /// the relay of Meta's SDP to the widget.
    case startMedia(CallHandle)
    case stopMedia(CallHandle)
    case armTimer(CallHandle, ArmedTimer)
    case cancelTimer(CallHandle, TimerKind)
    /// The call detail record; emitted exactly once per call, when it reaches a terminal state.
    case record(CallRecord)
    /// Tell the handset UI and widgets the call's new state.
    case notify(CallHandle, CallState)
    case refuse(Refusal)
}

/// One journal row: a call changed state.
public struct Transition: Hashable, Sendable {
    public var call: CallHandle
    public var id: CallId?
    /// Nil when the event created the call.
    public var from: CallState?
    public var to: CallState
    public var event: CallEvent.Kind
    public var at: Instant

    public init(call: CallHandle, id: CallId?, from: CallState?, to: CallState, event: CallEvent.Kind, at: Instant) {
        self.call = call
        self.id = id
        self.from = from
        self.to = to
        self.event = event
        self.at = at
    }
}
