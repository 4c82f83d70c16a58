/// How an event names its call: webhooks know Meta's id, local commands and the daemon's
/// own plumbing may only know the handle (an outbound call before Graph answers `connect`).
public enum CallRef: Hashable, Sendable {
    case id(CallId)
    case handle(CallHandle)
}
