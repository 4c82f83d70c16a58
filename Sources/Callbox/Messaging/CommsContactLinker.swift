import CallCore
import Journal
import Runtime

/// Fills in the HubSpot contact of each inbound message once it is stored (issue 4 item 1):
/// the contact's id, or `unknown:{phone}` when HubSpot has none. It runs after the intake's
/// commit and never holds it up; when HubSpot cannot say, the row keeps no contact. Contacts
/// found in one turn of the loop are written in one transaction: a burst of messages from
/// cached senders then costs one commit, not one fsync each.
final class CommsContactLinker {
    /// The contact id written when HubSpot has no contact with the number; a username user,
    /// who has none, is `unknown:` and their user id.
    static func unknownContact(_ phoneOrUserID: String) -> String { "unknown:\(phoneOrUserID)" }

    private let directory: ContactDirectory
    private let journal: Journal
    private let loop: EventLoop
    private let log = Logger("comms")
    /// Contacts found and not yet written, with their message.
    private var unwritten: [(wamid: String, contact: String)] = []

    init(directory: ContactDirectory, journal: Journal, loop: EventLoop) {
        self.directory = directory
        self.journal = journal
        self.loop = loop
    }

    func link(wamid: String, phone: PhoneNumber) {
        directory.lookup(phone) { [weak self] result in self?.record(result, wamid: wamid, phone: phone) }
    }

    private func record(_ result: ContactLookup, wamid: String, phone: PhoneNumber) {
        let contact: String
        switch result {
        case let .match(match): contact = match.id
        case .noMatch: contact = Self.unknownContact(phone.description)
        case let .unavailable(reason):
            log.warning("message left without a HubSpot contact", ["wamid": wamid, "reason": reason])
            return
        }
        if unwritten.isEmpty {
            loop.schedule(afterMilliseconds: 0) { [weak self] in self?.writeUnwritten() }
        }
        unwritten.append((wamid, contact))
    }

    private func writeUnwritten() {
        let batch = unwritten
        unwritten.removeAll(keepingCapacity: true)
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        do {
            try journal.transaction {
                for (wamid, contact) in batch { try journal.comms.setHubSpotContact(contact, wamid: wamid, now: now) }
            }
            if batch.count == 1 {
                log.info("message matched", ["wamid": batch[0].wamid, "contact": batch[0].contact])
            } else {
                log.info("messages matched", ["count": "\(batch.count)"])
            }
        } catch {
            log.error("cannot record the messages' HubSpot contacts", ["count": "\(batch.count)", "error": "\(error)"])
        }
    }
}
