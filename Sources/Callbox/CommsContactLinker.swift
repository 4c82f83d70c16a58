import CallCore
import Journal
import Runtime

/// Fills in the HubSpot contact of each inbound message once it is stored (issue 4 item 1):
/// the contact's id, or `unknown:{phone}` when HubSpot has none. It runs after the intake's
/// commit and never holds it up; when HubSpot cannot say, the row keeps no contact.
final class CommsContactLinker {
    /// The contact id written when HubSpot has no contact with the number.
    static func unknownContact(_ phone: PhoneNumber) -> String { "unknown:\(phone)" }

    private let directory: ContactDirectory
    private let journal: Journal
    private let log = Logger("comms")

    init(directory: ContactDirectory, journal: Journal) {
        self.directory = directory
        self.journal = journal
    }

    func link(wamid: String, phone: PhoneNumber) {
        directory.lookup(phone) { [weak self] result in self?.record(result, wamid: wamid, phone: phone) }
    }

    private func record(_ result: ContactLookup, wamid: String, phone: PhoneNumber) {
        let contact: String
        switch result {
        case let .match(match): contact = match.id
        case .noMatch: contact = Self.unknownContact(phone)
        case let .unavailable(reason):
            log.warning("message left without a HubSpot contact", ["wamid": wamid, "reason": reason])
            return
        }
        do {
            try journal.comms.setHubSpotContact(contact, wamid: wamid, now: Instant(unixMilliseconds: WallClock.milliseconds()))
            log.info("message matched", ["wamid": wamid, "contact": contact])
        } catch {
            log.error("cannot record the message's HubSpot contact", ["wamid": wamid, "error": "\(error)"])
        }
    }
}
