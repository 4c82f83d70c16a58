import Runtime

/// A WhatsApp message as HubSpot logs it: a communication on the contact's timeline (spec §9.7).
/// Kept in the outbox as JSON (`payload`) until it is delivered.
public struct WhatsAppCommunication: Equatable, Sendable {
    public enum Direction: String, Sendable {
        case inbound, outbound
    }

    public var wamid: String
    public var direction: Direction
    /// The WhatsApp user's number, digits without `+`.
    public var remoteNumber: String
    /// The text, or what stands for a message without one ("Media message received").
    public var text: String
    /// When the message was sent (Unix ms).
    public var sentAtMilliseconds: Int64
    /// The contact the agent sent it to from HubSpot, when known; else it is matched by phone.
    public var contactID: String?

    public init(wamid: String, direction: Direction, remoteNumber: String, text: String, sentAtMilliseconds: Int64,
                contactID: String? = nil) {
        self.wamid = wamid
        self.direction = direction
        self.remoteNumber = remoteNumber
        self.text = text
        self.sentAtMilliseconds = sentAtMilliseconds
        self.contactID = contactID
    }

    /// The message, who it was from or to, and the key's token on its own last line, where
    /// the box searches for it (see `CRMObjectType.idempotencyProperty`).
    public func body(idempotencyKey: String) -> String {
        let party = direction == .inbound ? "From +\(remoteNumber)" : "To +\(remoteNumber)"
        return HTMLText.escape("\(party): \(text)") + "<br><br>Logged by Callbox, ref " + IdempotencyToken.token(for: idempotencyKey)
    }

    /// The create body's `properties` (spec §9.7).
    public func properties(idempotencyKey: String, ownerID: String?) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("hs_communication_channel_type", "WHATS_APP"),
            JSONMember("hs_communication_logged_from", "CRM"),
            JSONMember("hs_communication_body", .string(body(idempotencyKey: idempotencyKey))),
            JSONMember("hs_timestamp", .string(String(sentAtMilliseconds))),
        ]
        if let ownerID { members.append(JSONMember("hubspot_owner_id", .string(ownerID))) }
        return .object(members)
    }

    // MARK: outbox payload

    public var payload: [UInt8] {
        var members: [JSONMember] = [
            JSONMember("wamid", .string(wamid)), JSONMember("direction", .string(direction.rawValue)),
            JSONMember("remote_number", .string(remoteNumber)), JSONMember("text", .string(text)),
            JSONMember("sent_at_ms", .integer(sentAtMilliseconds)),
        ]
        if let contactID { members.append(JSONMember("contact_id", .string(contactID))) }
        return JSONWriter.encode(.object(members))
    }

    public init(payload: [UInt8]) throws(CRMPayloadError) {
        guard let document = try? JSONParser.parse(payload) else {
            throw CRMPayloadError(message: "communication payload is not JSON")
        }
        guard let wamid = document["wamid"]?.string, let direction = document["direction"]?.string.flatMap(Direction.init),
              let remote = document["remote_number"]?.string, let text = document["text"]?.string,
              let sentAt = document["sent_at_ms"]?.int64 else {
            throw CRMPayloadError(message: "communication payload lacks a field")
        }
        self.init(wamid: wamid, direction: direction, remoteNumber: remote, text: text, sentAtMilliseconds: sentAt,
                  contactID: document["contact_id"]?.string)
    }
}
