import CallCore
import HubSpot
import Journal
import Runtime

/// Delivers the outbox to HubSpot on the event loop (DESIGN principle 3): a few items at a
/// time, each attempt recorded before it is sent, a lookup by idempotency key before any
/// create that might repeat an earlier one, backoff with jitter, and parking with a reason
/// for what will not succeed.
public final class OutboxWorker {
    /// Items in flight at once. HubSpot allows a private app 100 to 190 requests per 10 s
    /// and its search 4 to 5 a second (API usage guidelines); four in flight, each waiting for
    /// HubSpot's answer, stays near those on a box's link, and a 429 pauses every delivery.
    static let concurrentDeliveries = 4
    /// An attempt is a lookup and a create at most, each bounded by the request timeout; an
    /// item is not due again before this has passed since its attempt began, so an attempt
    /// cut short by a crash is looked up only once its create is visible to search.
    static let attemptLeaseMilliseconds = 2 * Int64(HubSpotAPI.requestTimeoutMilliseconds)
        + OutboxRetryPolicy.searchVisibilityMilliseconds
    /// Delivered items are kept this long for `callbox journal outbox` and bug reports; by
    /// then no replay can queue the same write again.
    static let deliveredRetention = TimeSpan.days(30)
    static let prunePeriodMilliseconds: Int64 = 3_600_000
    /// Items requeued by `callbox journal outbox requeue` (another process, which cannot wake
    /// this one) are picked up within this.
    public static let rescanMilliseconds: Int64 = 5_000

    /// Who the WhatsApp user is in HubSpot: the contact to associate with and its owner.
    /// Takes the number as digits without `+`. A failure (HubSpot could not say) fails the
    /// attempt, to be retried, rather than logging the engagement without its contact.
    typealias ContactResolver = (_ phone: String, _ completion: @escaping (Result<ResolvedContact, HubSpotError>) -> Void) -> Void

    struct ResolvedContact: Equatable {
        /// Nil: no contact has this number; the engagement is created unassociated.
        var contactID: String?
        var ownerID: String?

        /// The contact directory's answer in the worker's terms.
        static func from(_ lookup: ContactLookup) -> Result<ResolvedContact, HubSpotError> {
            switch lookup {
            case let .match(contact): return .success(ResolvedContact(contactID: contact.id, ownerID: contact.ownerID))
            case .noMatch: return .success(ResolvedContact(contactID: nil, ownerID: nil))
            case let .unavailable(reason):
                // Nothing was written, so the retry need not look anything up.
                var error = HubSpotError(kind: .transport, httpStatus: 0, message: "contact lookup unavailable: \(reason)")
                error.reachedHubSpot = false
                return .failure(error)
            }
        }
    }

    private let journal: Journal
    private let writer: CRMWriter
    private let loop: EventLoop
    /// Without one, every engagement is created without a contact.
    private let resolveContact: ContactResolver
    private let log = Logger("outbox")
    private var inFlight: Set<Int64> = []
    private var pumpScheduled = false
    private var wakeTimer: EventLoop.TimerID?
    private var stopped = false
    /// HubSpot's rate limit is the portal's: after a 429 nothing is sent before this.
    private var pausedUntil: Instant?
    let deliveries: Metrics.Family

    init(journal: Journal, writer: CRMWriter, loop: EventLoop, metrics: Metrics,
         resolveContact: @escaping ContactResolver = { _, completion in completion(.success(ResolvedContact(contactID: nil, ownerID: nil))) }) {
        self.journal = journal
        self.resolveContact = resolveContact
        self.writer = writer
        self.loop = loop
        deliveries = metrics.counter("callbox_outbox_attempts_total", "Outbox delivery attempts by result.", labels: ["result"])
        for result in ["created", "found", "updated", "retry", "rate_limited", "parked"] { deliveries.increment(result, by: 0) }
    }

    /// Starts delivering, and wakes whenever a row is enqueued.
    func start() {
        journal.outbox.onEnqueue = { [weak self] in self?.wake() }
        wake()
        pruneDelivered()
    }

    private func pruneDelivered() {
        guard !stopped else { return }
        let cutoff = Instant(unixMilliseconds: WallClock.milliseconds()) - Self.deliveredRetention
        do {
            let pruned = try journal.outbox.pruneDelivered(finishedBefore: cutoff)
            if pruned > 0 { log.info("pruned delivered outbox items", ["count": "\(pruned)"]) }
        } catch {
            log.error("cannot prune the outbox", ["error": "\(error)"])
        }
        loop.schedule(afterMilliseconds: Self.prunePeriodMilliseconds) { [weak self] in self?.pruneDelivered() }
    }

    /// No new attempts; those in flight finish (their requests time out at worst).
    func stop() {
        stopped = true
        if let wakeTimer { loop.cancel(wakeTimer) }
    }

    /// Looks for due items on the next turn of the loop, after the enqueuing transaction
    /// has committed.
    func wake() {
        guard !pumpScheduled, !stopped else { return }
        pumpScheduled = true
        loop.schedule(afterMilliseconds: 0) { [weak self] in
            self?.pumpScheduled = false
            self?.pump()
        }
    }

    private func pump() {
        guard !stopped else { return }
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        if let pausedUntil, now < pausedUntil {
            armWakeTimer()
            return
        }
        pausedUntil = nil
        let free = Self.concurrentDeliveries - inFlight.count
        if free > 0 {
            do {
                let due = try journal.outbox.due(at: now, limit: free + inFlight.count).filter { !inFlight.contains($0.id) }
                let batch = Array(due.prefix(free))
                // One durable commit covers the batch: after it, a crash at any point leaves
                // each item marked "may exist", to be looked up before it is created again.
                try journal.outbox.beginAttempts(ids: batch.map(\.id), at: now, lease: .milliseconds(Self.attemptLeaseMilliseconds))
                for item in batch {
                    inFlight.insert(item.id)
                    var started = item
                    started.attempts += 1
                    deliver(started, startedAt: now)
                }
            } catch {
                log.error("cannot read or update the outbox", ["error": "\(error)"])
            }
        }
        armWakeTimer()
    }

    /// Sleeps until the earliest pending item is due (a lease or a backoff ending), or the
    /// next rescan.
    private func armWakeTimer() {
        if let wakeTimer { loop.cancel(wakeTimer) }
        var delay = Self.rescanMilliseconds
        if let next = (try? journal.outbox.nextDueAt()) ?? nil {
            delay = min(delay, max(0, max(next, pausedUntil ?? next).unixMilliseconds - WallClock.milliseconds()))
        }
        wakeTimer = loop.schedule(afterMilliseconds: delay) { [weak self] in
            self?.wakeTimer = nil
            self?.pump()
        }
    }

    private func deliver(_ item: OutboxItem, startedAt: Instant) {
        let write: CRMWrite
        do {
            write = try CRMWrite(kind: item.kind, payload: item.payload)
        } catch {
            finish(item) { try journal.outbox.park(id: item.id, reason: "unreadable: \(error)", mayExist: item.mayExist, at: $0) }
            deliveries.increment("parked")
            return
        }
        let resolve: ContactResolver = write.knownContactID.map { known in
            { _, completion in completion(.success(ResolvedContact(contactID: known, ownerID: nil))) }
        } ?? resolveContact
        resolve(write.remoteNumber) { [weak self] resolution in
            guard let self else { return }
            let contact: ResolvedContact
            switch resolution {
            case let .success(resolved): contact = resolved
            case let .failure(error):
                self.failed(item, error, createSentAt: nil)
                return
            }
            let contactID = contact.contactID
            let ownerID = contact.ownerID
            if let existing = item.objectID {
                self.update(item, write, objectID: existing, ownerID: ownerID)
                return
            }
            guard item.mayExist else {
                self.create(item, write, contactID: contactID, ownerID: ownerID)
                return
            }
            self.writer.find(write.objectType, idempotencyKey: item.idempotencyKey) { [weak self] result in
                switch result {
                case let .success(objectID?):
                    self?.log.info("found in HubSpot after an earlier attempt; not created again",
                                   ["key": item.idempotencyKey, "object": objectID])
                    self?.delivered(item, objectID: objectID, how: "found")
                case .success(nil):
                    self?.create(item, write, contactID: contactID, ownerID: ownerID)
                case let .failure(error):
                    self?.failed(item, error, createSentAt: nil)
                }
            }
        }
    }

    private func create(_ item: OutboxItem, _ write: CRMWrite, contactID: String?, ownerID: String?) {
        let sentAt = Instant(unixMilliseconds: WallClock.milliseconds())
        writer.create(write, idempotencyKey: item.idempotencyKey, contactID: contactID, ownerID: ownerID) { [weak self] result in
            switch result {
            case let .success(objectID): self?.delivered(item, objectID: objectID, how: "created")
            case let .failure(error): self?.failed(item, error, createSentAt: sentAt)
            }
        }
    }

    /// The widget created the engagement and never completed it: the box's properties go onto it.
    private func update(_ item: OutboxItem, _ write: CRMWrite, objectID: String, ownerID: String?) {
        // A PATCH repeated is harmless, so a lost answer makes nothing "may exist".
        writer.update(write, objectID: objectID, idempotencyKey: item.idempotencyKey, ownerID: ownerID) { [weak self] result in
            switch result {
            case let .success(objectID): self?.delivered(item, objectID: objectID, how: "updated")
            case let .failure(error): self?.failed(item, error, createSentAt: nil)
            }
        }
    }

    private func delivered(_ item: OutboxItem, objectID: String, how: String) {
        deliveries.increment(how)
        // Not waiting for the disk is safe here: lost in a power cut, the item is retried,
        // and since it may exist it is looked up and found rather than created again.
        finish(item) { now in
            try journal.deferredDurabilityTransaction { try journal.outbox.delivered(id: item.id, objectID: objectID, at: now) }
        }
    }

    private func failed(_ item: OutboxItem, _ error: HubSpotError, createSentAt: Instant?) {
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        let decision = OutboxRetryPolicy.decide(after: error, attempts: item.attempts, mayExistBefore: item.mayExist,
                                                createSentAt: createSentAt, now: now)
        switch decision {
        case let .park(reason, mayExist):
            deliveries.increment("parked")
            log.warning("outbox item parked; `callbox journal outbox requeue \(item.id)` retries it",
                        ["key": item.idempotencyKey, "reason": reason])
            finish(item) { try journal.outbox.park(id: item.id, reason: reason, mayExist: mayExist, at: $0) }
        case let .retry(next, mayExist):
            deliveries.increment("retry")
            log.notice("HubSpot write failed; retrying", ["key": item.idempotencyKey, "attempt": "\(item.attempts)",
                                                          "in_ms": "\((next - now).milliseconds)", "error": "\(error)"])
            finish(item) { _ in try journal.outbox.reschedule(id: item.id, next: next, error: error.description, mayExist: mayExist) }
        case let .rateLimited(until, mayExist):
            deliveries.increment("rate_limited")
            pausedUntil = max(pausedUntil ?? until, until)
            log.notice("HubSpot rate limit; deliveries paused", ["in_ms": "\((until - now).milliseconds)", "error": "\(error)"])
            finish(item) { _ in
                try journal.outbox.reschedule(id: item.id, next: until, error: error.description, mayExist: mayExist, counted: false)
            }
        }
    }

    /// Records an item's outcome and frees its place. A write that fails leaves the item as
    /// `beginAttempts` left it: retried after the lease, looked up first.
    private func finish(_ item: OutboxItem, _ record: (Instant) throws -> Void) {
        inFlight.remove(item.id)
        do {
            try record(Instant(unixMilliseconds: WallClock.milliseconds()))
        } catch {
            log.error("cannot record an outbox outcome; the item will be looked up and retried",
                      ["key": item.idempotencyKey, "error": "\(error)"])
        }
        wake()
    }
}
