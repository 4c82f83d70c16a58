import CallCore

/// Limits password guessing: sign-in attempts are counted per account and per client
/// address in fixed windows, in fixed-size tables, and an attempt over either limit is
/// refused before any password is checked. An attempt is counted when it starts (so
/// concurrent guesses cannot slip past the limit) and forgiven when it succeeds.
///
/// Accounts are only the configured agents' emails, so guesses at made-up emails cannot push
/// a real agent's count out of the table; they are held back by the address limit.
struct LoginThrottle {
    struct Limit: Equatable {
        var attempts: Int
        var window: TimeSpan
    }

    /// OWASP Authentication Cheat Sheet: lock out an account briefly after a few failures.
    /// Five per 15 minutes leaves room for typos and holds an online guesser to 480 a day.
    static let perAccount = Limit(attempts: 5, window: .minutes(15))
    /// An office behind one NAT shares an address, so it gets more room than one account.
    static let perAddress = Limit(attempts: 20, window: .minutes(15))
    /// Addresses tracked at once; beyond it the stalest entry is reused, so memory stays fixed.
    static let addressSlots = 1_024

    enum Verdict: Equatable {
        case allowed
        /// Which limit refused, and when to try again.
        case refused(limit: String, retryAfter: TimeSpan)
    }

    private var accounts: AttemptTable
    private var addresses: AttemptTable

    init(accountSlots: Int, accountLimit: Limit = perAccount, addressLimit: Limit = perAddress,
         addressSlots: Int = addressSlots) {
        accounts = AttemptTable(limit: accountLimit, capacity: max(1, accountSlots))
        addresses = AttemptTable(limit: addressLimit, capacity: addressSlots)
    }

    /// `account` is nil for an email that is no agent's.
    func check(account: String?, address: String, at now: Instant) -> Verdict {
        if let account, let wait = accounts.wait(for: account, at: now) {
            return .refused(limit: "account", retryAfter: wait)
        }
        if let wait = addresses.wait(for: address, at: now) {
            return .refused(limit: "address", retryAfter: wait)
        }
        return .allowed
    }

    mutating func recordAttempt(account: String?, address: String, at now: Instant) {
        if let account { accounts.charge(account, at: now) }
        addresses.charge(address, at: now)
    }

    /// A correct password clears the account's count and takes this attempt off the address.
    mutating func recordSuccess(account: String, address: String) {
        accounts.forget(account)
        addresses.refund(address)
    }
}

/// Attempt counts in fixed windows, at most `capacity` keys.
struct AttemptTable {
    private struct Entry {
        var key: String
        var attempts: Int
        var windowStart: Instant
    }

    let limit: LoginThrottle.Limit
    let capacity: Int
    private var entries: [Entry] = []

    init(limit: LoginThrottle.Limit, capacity: Int) {
        self.limit = limit
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    /// How long `key` must wait, or nil when it may try now.
    func wait(for key: String, at now: Instant) -> TimeSpan? {
        guard let entry = entries.first(where: { $0.key == key }), entry.attempts >= limit.attempts else { return nil }
        let reopens = entry.windowStart + limit.window
        return now < reopens ? reopens - now : nil
    }

    mutating func charge(_ key: String, at now: Instant) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if now - entries[index].windowStart >= limit.window {
                entries[index] = Entry(key: key, attempts: 1, windowStart: now)
            } else {
                entries[index].attempts += 1
            }
            return
        }
        let entry = Entry(key: key, attempts: 1, windowStart: now)
        guard entries.count >= capacity else {
            entries.append(entry)
            return
        }
        // The stalest window: an expired one if any, else the one closest to expiring.
        let stalest = entries.indices.min { entries[$0].windowStart < entries[$1].windowStart } ?? 0
        entries[stalest] = entry
    }

    mutating func refund(_ key: String) {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return }
        entries[index].attempts -= 1
        if entries[index].attempts <= 0 { entries.remove(at: index) }
    }

    mutating func forget(_ key: String) {
        entries.removeAll { $0.key == key }
    }

    var count: Int { entries.count }
}
