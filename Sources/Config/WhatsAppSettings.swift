/// `[whatsapp]`: the business phone number and the Graph API it is reached through.
public struct WhatsAppSettings: Hashable, Sendable {
    /// Meta's id of the business number (used in Graph paths). May be left out while the
    /// number is not registered yet: the box starts, and sending answers 503 until it is set.
    public var phoneNumberID: String?
    /// The business number, digits only; nil only with the sandbox.
    public var businessNumber: String?
    public var graph: GraphEndpoint
    public var graphVersion: String

    public var isSandbox: Bool { graph == .sandbox }

    static func read(_ reader: inout SectionReader) -> WhatsAppSettings {
        let graph = reader.value("graph_url", GraphEndpoint.parse)
        // An unreadable graph_url is reported itself; what it would require is unknown.
        if let graph, graph != .sandbox {
            reader.requireKey("business_number", because: "it is required unless graph_url = sandbox")
        }
        return WhatsAppSettings(
            phoneNumberID: reader.value("phone_number_id", IntegerValue.identifier),
            businessNumber: reader.value("business_number", PhoneNumber.parse),
            graph: graph ?? .sandbox,
            graphVersion: reader.value("graph_version", GraphVersion.parse) ?? "")
    }
}
