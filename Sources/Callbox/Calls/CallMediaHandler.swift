import CallCore

/// What the call controller asks of the desk handset and the box's own media, on the
/// event loop. The handset answers and places calls itself (hook switch), and tells the
/// controller through its events.
protocol CallMediaHandler: AnyObject {
    func ring(_ call: CallHandle)
    func stopRinging(_ call: CallHandle)
    /// The call is accepted at Meta: the box's audio may flow (spec §3.1).
    func startMedia(_ call: CallHandle)
    func stopMedia(_ call: CallHandle)
    func callChanged(_ call: CallHandle, to state: CallState)
    /// Meta's SDP answer to the box's offer (an outbound call, spec §2.3).
    func remoteAnswer(_ call: CallHandle, sdp: String)
    /// The call record's `quality` JSON, while the call's media still exists.
    func quality(of call: CallHandle) -> String?
}
