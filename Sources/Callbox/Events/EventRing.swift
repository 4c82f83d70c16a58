import Runtime

/// The last events the box published, for a widget that reconnects with `Last-Event-ID`:
/// bounded, so a long absence costs a `reset` (the widget refetches) instead of memory.
struct EventRing {
    /// A few minutes of a busy office's calls and messages.
    static let defaultCapacity = 512

    enum Replay: Equatable {
        /// The events after the given id this agent may see, oldest first (maybe none).
        case events([LiveEvent])
        /// The id is older than the ring, or from before the box restarted.
        case reset(reason: String)
    }

    let capacity: Int
    private(set) var events: [LiveEvent] = []
    /// The newest id handed out; 0 before the first event.
    private(set) var lastID: UInt64 = 0

    init(capacity: Int = EventRing.defaultCapacity) {
        precondition(capacity > 0, "the ring must hold at least one event")
        self.capacity = capacity
    }

    @discardableResult
    mutating func append(type: String, data: JSONValue, audience: LiveEvent.Audience) -> LiveEvent {
        lastID += 1
        let event = LiveEvent(id: lastID, type: type, data: data, audience: audience)
        if events.count == capacity { events.removeFirst() }
        events.append(event)
        return event
    }

    func replay(after id: UInt64, for agent: String) -> Replay {
        if id > lastID { return .reset(reason: "unknown_id") }
        let oldest = events.first?.id ?? lastID + 1
        if id + 1 < oldest { return .reset(reason: "buffer_overflow") }
        return .events(events.filter { $0.id > id && $0.audience.includes(agent) })
    }
}
