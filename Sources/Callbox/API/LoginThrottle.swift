import CallCore

/// Slows password guessing without locking agents out (issue 10). Failures are counted per
/// (email, client address) and per client address. After a few free failures each further
/// attempt must wait a delay that doubles, up to a ceiling; nothing is ever locked outright.
///
/// - An attacker's failures from one address never slow an agent signing in from another.
/// - An email that is no agent's is counted exactly like one that is, so no answer tells which
///   emails belong to agents.
/// - An attempt is counted when it starts (concurrent guesses cannot slip past the delay) and
///   forgiven when it succeeds. The tables have a fixed size, so memory stays fixed.
struct LoginThrottle {
    struct Backoff: Equatable {
        /// Failures allowed before any delay.
        var freeFailures: Int
        /// The wait after the first failure past the free ones; each further failure doubles it.
        var firstDelay: TimeSpan
        var longestDelay: TimeSpan
        /// A count nobody added to for this long is forgotten.
        var forgetAfter: TimeSpan

        /// How long after the last failure the next attempt may start.
        func delay(afterFailures failures: Int) -> TimeSpan {
            guard failures >= freeFailures else { return .zero }
            let doublings = Int64(min(failures - freeFailures, 30))
            let delay = firstDelay.milliseconds << doublings
            return delay >= longestDelay.milliseconds ? longestDelay : .milliseconds(delay)
        }
    }

    /// Five tries for typos (OWASP's usual), then waits of 1 s, 2 s, 4 s … up to 15 minutes: a guesser
    /// who keeps at one agent from one address gets about a hundred tries a day.
    static let perAccountAddress = Backoff(freeFailures: 5, firstDelay: .seconds(1), longestDelay: .minutes(15),
                                           forgetAfter: .hours(1))
    /// An office behind one NAT shares an address, so it gets more room before any delay.
    static let perAddress = Backoff(freeFailures: 20, firstDelay: .seconds(1), longestDelay: .minutes(15),
                                    forgetAfter: .hours(1))
    /// Keys tracked at once in each table; beyond it the stalest is reused.
    static let slots = 1_024

    enum Limit: String, Equatable {
        case accountAddress = "account and address"
        case address
    }

    enum Verdict: Equatable {
        case allowed
        /// Which count asked for the wait (for the log, never the answer), and how long.
        case wait(TimeSpan, limit: Limit)
    }

    private var pairs: FailureTable
    private var addresses: FailureTable

    init(pairBackoff: Backoff = perAccountAddress, addressBackoff: Backoff = perAddress, slots: Int = slots) {
        pairs = FailureTable(backoff: pairBackoff, capacity: slots)
        addresses = FailureTable(backoff: addressBackoff, capacity: slots)
    }

    /// `email` as typed, whether or not it is an agent's.
    func check(email: String, address: String, at now: Instant) -> Verdict {
        let pair = pairs.wait(for: Self.pairKey(email, address), at: now)
        let byAddress = addresses.wait(for: address, at: now)
        switch (pair, byAddress) {
        case (nil, nil): return .allowed
        case let (pair?, byAddress?): return pair < byAddress ? .wait(byAddress, limit: .address) : .wait(pair, limit: .accountAddress)
        case let (pair?, nil): return .wait(pair, limit: .accountAddress)
        case let (nil, byAddress?): return .wait(byAddress, limit: .address)
        }
    }

    mutating func recordAttempt(email: String, address: String, at now: Instant) {
        pairs.charge(Self.pairKey(email, address), at: now)
        addresses.charge(address, at: now)
    }

    /// A correct password clears this email's count from this address, and takes this
    /// attempt off the address.
    mutating func recordSuccess(email: String, address: String) {
        pairs.forget(Self.pairKey(email, address))
        addresses.refund(address)
    }

    /// Emails are compared as agents' are, without case; a newline cannot be in an address.
    private static func pairKey(_ email: String, _ address: String) -> String {
        email.lowercased() + "\n" + address
    }
}

/// Failure counts with the time of the last, at most `capacity` keys.
struct FailureTable {
    private struct Entry {
        var key: String
        var failures: Int
        var last: Instant
    }

    let backoff: LoginThrottle.Backoff
    let capacity: Int
    private var entries: [Entry] = []

    init(backoff: LoginThrottle.Backoff, capacity: Int) {
        self.backoff = backoff
        self.capacity = max(1, capacity)
    }

    /// How long `key` must wait, or nil when it may try now.
    func wait(for key: String, at now: Instant) -> TimeSpan? {
        guard let entry = entries.first(where: { $0.key == key }), now - entry.last < backoff.forgetAfter else { return nil }
        let opens = entry.last + backoff.delay(afterFailures: entry.failures)
        return now < opens ? opens - now : nil
    }

    mutating func charge(_ key: String, at now: Instant) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            let forgotten = now - entries[index].last >= backoff.forgetAfter
            entries[index].failures = forgotten ? 1 : entries[index].failures + 1
            entries[index].last = now
            return
        }
        let entry = Entry(key: key, failures: 1, last: now)
        guard entries.count >= capacity else {
            entries.append(entry)
            return
        }
        let stalest = entries.indices.min { entries[$0].last < entries[$1].last } ?? 0
        entries[stalest] = entry
    }

    mutating func refund(_ key: String) {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return }
        entries[index].failures -= 1
        if entries[index].failures <= 0 { entries.remove(at: index) }
    }

    mutating func forget(_ key: String) {
        entries.removeAll { $0.key == key }
    }

    var count: Int { entries.count }
}
