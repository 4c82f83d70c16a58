import Runtime

/// One event on the widgets' live stream (`GET /api/events`): a box-wide increasing id,
/// a type (`call.state`, …), one line of JSON, and who may see it.
struct LiveEvent: Equatable {
    enum Audience: Equatable {
        case everyone
        case agent(String)
        /// Everyone else once the owner's head start is over (`[routing] owner_first`).
        case everyoneBut(String)

        func includes(_ agent: String) -> Bool {
            switch self {
            case .everyone: true
            case let .agent(name): name == agent
            case let .everyoneBut(name): name != agent
            }
        }
    }

    var id: UInt64
    var type: String
    var data: JSONValue
    var audience: Audience

    /// The event as the HTML standard's event-stream format frames it (§9.2.6): one
    /// `id`, one `event`, one `data` line (JSONWriter never writes a line break), a blank line.
    var frame: [UInt8] { Self.frame(type: type, data: data, id: id) }

    /// A frame for what is not kept in the ring (`hello`, `reset`).
    static func frame(type: String, data: JSONValue, id: UInt64? = nil) -> [UInt8] {
        Array(((id.map { "id: \($0)\n" } ?? "") + "event: \(type)\ndata: ").utf8) + JSONWriter.encode(data) + Array("\n\n".utf8)
    }
}
