import CallCore

/// The config spelling is the case name.
extension HandsetRouting: ConfigChoice {}

/// `[routing]`: who an incoming call rings, and for how long.
public struct RoutingSettings: Hashable, Sendable {
    /// After this the call is missed.
    public var ringTimeout: TimeSpan
    /// The contact owner's widget rings alone this long before everyone else.
    public var ownerFirst: TimeSpan
    public var handset: HandsetRouting

    /// Meta gives the business about 30–60 s to accept before the caller sees "Not Answered"
    /// (specs/whatsapp-cloud-api.md, "Rules and timing"); after 2 minutes nobody is calling.
    static let ringTimeouts = TimeSpan.seconds(5)...TimeSpan.minutes(2)
    static let ownerHeadStarts = TimeSpan.zero...TimeSpan.minutes(2)

    static func read(_ reader: inout SectionReader) -> RoutingSettings {
        let ringTimeout = reader.value("ring_timeout") { DurationValue.parse($0, within: ringTimeouts) }
        let ownerFirst = reader.value("owner_first") { DurationValue.parse($0, within: ownerHeadStarts) }
        if let ringTimeout, let ownerFirst, ownerFirst >= ringTimeout {
            reader.report(reader.line(of: "owner_first"),
                          "owner_first (\(ownerFirst)) must be shorter than ring_timeout (\(ringTimeout)), or nobody else is ever rung")
        }
        return RoutingSettings(
            ringTimeout: ringTimeout ?? .zero,
            ownerFirst: ownerFirst ?? .zero,
            handset: reader.value("handset") { ChoiceValue.parse($0) } ?? .always)
    }
}
