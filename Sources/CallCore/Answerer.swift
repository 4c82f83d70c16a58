/// The endpoint holding a call's media: who answered an inbound call or placed an outbound
/// one. It decides recovery: a browser's media never passed through the box, so its call
/// survives a restart of the box.
public enum Answerer: Hashable, Sendable {
    case handset
    /// An agent's widget; the index is the agent's position in the config.
    case browser(agent: UInt8)
    /// A programmatic client of the box's API.
    case api
}
