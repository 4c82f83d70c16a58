import CallCore
import Journal
import Runtime

/// The widgets' events about WhatsApp: `message.new` for each message stored in the comms
/// log, `message.status` as Meta reports delivery, `permission.changed` for each change of
/// a contact's call permission. Everyone sees them: the communications panel shows any contact.
final class MessageEventFeed {
    private let hub: EventHub
    private let journal: Journal

    init(hub: EventHub, journal: Journal) {
        self.hub = hub
        self.journal = journal
    }

    /// A message is in the comms log (inbound after its batch committed, outbound once Graph named it).
    func stored(wamid: String) {
        guard let record = try? journal.comms.record(wamid: wamid) else { return }
        hub.publish("message.new", [
            "phone": record.phone.map(JSONValue.string) ?? .null, "contact_key": .string(record.contactKey),
            "wamid": .string(record.wamid),
            "direction": .string(record.direction), "type": .string(record.type),
            "body": (record.body ?? record.caption).map(JSONValue.string) ?? .null,
            "contact_id": record.hubspotContactID.map(JSONValue.string) ?? .null,
            "sent_at_ms": .integer(record.sentAt.unixMilliseconds),
        ])
    }

    func status(wamid: String, status: String) {
        let record = (try? journal.comms.record(wamid: wamid)) ?? nil
        hub.publish("message.status", ["wamid": .string(wamid), "phone": record?.phone.map(JSONValue.string) ?? .null,
                                       "contact_key": record.map { .string($0.contactKey) } ?? .null, "status": .string(status)])
    }

    func permissionChanged(contactKey: String, phone: PhoneNumber?, record: PermissionRecord, change: PermissionChange) {
        hub.publish("permission.changed", [
            "phone": phone.map { .string($0.description) } ?? .null, "contact_key": .string(contactKey),
            "state": .string(record.state.name.rawValue),
            "expires_at": record.state.expires.map { .integer($0.unixMilliseconds) } ?? .null,
            "reason": .string(change.reason.rawValue), "source": .string(change.source.rawValue),
        ])
    }
}
