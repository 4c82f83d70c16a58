import CallCore
import Journal
import Runtime

/// The widgets' live event streams (`/api/events`) and the feed of message events; the feed of
/// call events is the calls' own (`CallsAssembly`), since it reads the call table.
struct LiveEvents {
    let hub: EventHub
    let messages: MessageEventFeed

    init(journal: Journal, loop: EventLoop) {
        hub = EventHub(loop: loop, sessionIsLive: { [journal] hash in
            // A journal that cannot be read ends no stream; the next heartbeat asks again.
            do {
                return try journal.agentSessions.session(tokenHash: hash, at: Instant(unixMilliseconds: WallClock.milliseconds())) != nil
            } catch {
                return true
            }
        })
        messages = MessageEventFeed(hub: hub, journal: journal)
    }
}
