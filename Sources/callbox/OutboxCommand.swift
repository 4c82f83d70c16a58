import Callbox
import CallCore
import Journal
import Runtime

/// `callbox journal outbox`: the HubSpot writes not yet delivered, and putting parked ones
/// back in the queue once their cause is fixed (a scope added to the token, a property fixed).
enum OutboxCommand {
    static func show(_ journal: Journal, limit: Int) throws {
        let counts = try journal.outbox.counts()
        print("outbox: \(counts.pending) pending, \(counts.parked) parked, \(counts.delivered) delivered")
        let items = try journal.outbox.list(states: [.pending, .parked], limit: limit)
        guard !items.isEmpty else { return }
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        for item in items {
            var line = "  #\(item.id)  \(item.state.rawValue)  \(item.idempotencyKey)  attempts \(item.attempts)"
            switch item.state {
            case .pending:
                line += item.nextAttemptAt <= now ? "  next: due now" : "  next: \(TimeText.format(item.nextAttemptAt))"
                if let error = item.lastError { line += "  last error: \(error)" }
            case .parked:
                line += "  parked: \(item.parkedReason ?? "no reason recorded")"
            case .delivered:
                break
            }
            print(line)
        }
    }

    static func requeue(_ journal: Journal, which: String) throws {
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        let ids: [Int64]
        if which == "all" {
            ids = try journal.outbox.list(states: [.parked], limit: Int.max).map(\.id)
        } else if let id = Int64(which) {
            guard try journal.outbox.item(id: id)?.state == .parked else {
                throw CommandError("outbox item \(id) is not parked")
            }
            ids = [id]
        } else {
            throw CommandError("outbox requeue takes an item id or 'all'")
        }
        for id in ids { try journal.outbox.requeue(id: id, at: now) }
        print("\(ids.count) outbox items queued again; a running box delivers them within \(OutboxWorker.rescanMilliseconds / 1_000) seconds")
    }
}
