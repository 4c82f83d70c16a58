// CRM/ owns HubSpot as the box uses it: this directory of contacts, the call and message log
// queued in the outbox, the widget's side of that log, and the worker that delivers the outbox.
// It uses no other folder; every other concern may use it.

import CallCore
import HubSpot
import Runtime

/// Who a phone number belongs to in HubSpot, remembered for a while (issue 4 item 5). It
/// lives on the event loop. Lookups of a number already being looked up wait for that one
/// request; answers are cached in a bounded table, hits longest, misses shorter, failures
/// briefly. Without a HubSpot token every number is "no match", at once.
///
/// A lookup completes synchronously when the answer is known (cached, or no CRM), else
/// from the loop when HubSpot answers.
final class ContactDirectory {
    /// Distinct numbers remembered; a small office hears from a few hundred in a day.
    static let defaultCapacity = 512
    /// A contact's number and owner seldom change within minutes; search has a low rate limit (spec §9.4).
    static let hitTTLMilliseconds: Int64 = 600_000
    /// Shorter: a contact created for a new caller should be found soon after HubSpot's
    /// search index catches up, which takes seconds (spec §9.4).
    static let missTTLMilliseconds: Int64 = 60_000
    /// Long enough that an outage or a 429 is not asked again for every message, short
    /// enough that the next call after it recovers is matched.
    static let failureTTLMilliseconds: Int64 = 10_000
    /// Numbers waiting for HubSpot at once; past this a lookup is `unavailable` at once
    /// rather than queueing behind a slow CRM.
    static let maxInFlight = 32

    private struct Entry {
        var result: ContactLookup
        var expiresAt: Int64
    }

    private let contacts: HubSpotContacts?
    private let clock: () -> Int64
    let capacity: Int
    private var entries: [PhoneNumber: Entry] = [:]
    private var waiting: [PhoneNumber: [(ContactLookup) -> Void]] = [:]
    private let log = Logger("contacts")

    /// `contacts` nil: no CRM configured. `clock` is monotonic milliseconds.
    init(contacts: HubSpotContacts?, capacity: Int = defaultCapacity, clock: @escaping () -> Int64 = MonotonicClock.milliseconds) {
        self.contacts = contacts
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    var isActive: Bool { contacts != nil }
    var cachedCount: Int { entries.count }

    func lookup(_ phone: PhoneNumber, completion: @escaping (ContactLookup) -> Void) {
        guard let contacts else {
            completion(.noMatch)
            return
        }
        if let entry = entries[phone], entry.expiresAt > clock() {
            completion(entry.result)
            return
        }
        if waiting[phone] != nil {
            waiting[phone]?.append(completion)
            return
        }
        guard waiting.count < Self.maxInFlight else {
            completion(.unavailable("\(Self.maxInFlight) contact lookups already waiting for HubSpot"))
            return
        }
        waiting[phone] = [completion]
        contacts.find(phoneDigits: phone.description) { [weak self] result in self?.finish(phone, result) }
    }

    private func finish(_ phone: PhoneNumber, _ result: Result<ContactMatch?, HubSpotError>) {
        let lookup: ContactLookup
        let lifetime: Int64
        switch result {
        case let .success(contact?):
            (lookup, lifetime) = (.match(contact), Self.hitTTLMilliseconds)
        case .success(nil):
            (lookup, lifetime) = (.noMatch, Self.missTTLMilliseconds)
        case let .failure(error):
            log.warning("contact lookup failed", ["error": error.description])
            (lookup, lifetime) = (.unavailable(error.description), Self.failureTTLMilliseconds)
        }
        remember(phone, Entry(result: lookup, expiresAt: clock() + lifetime))
        for completion in waiting.removeValue(forKey: phone) ?? [] { completion(lookup) }
    }

    /// When full, expired entries go first, then the one closest to expiry.
    private func remember(_ phone: PhoneNumber, _ entry: Entry) {
        if entries[phone] == nil, entries.count >= capacity {
            let now = clock()
            entries = entries.filter { $0.value.expiresAt > now }
            if entries.count >= capacity, let soonest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
                entries[soonest] = nil
            }
        }
        entries[phone] = entry
    }
}
