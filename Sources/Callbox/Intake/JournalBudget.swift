import Journal
import Runtime

/// `[box] max_database_size` applied: how full the journal is, read before each intake commit.
/// Near the budget the box warns (`/healthz`, `/metrics`, the log); at it, webhooks are refused
/// with 503, which Meta retries for days, instead of filling the card the OS lives on.
final class JournalBudget {
    /// The share of the budget from which operators are warned.
    static let warningShare = 0.9

    enum Level: String { case ok, nearFull = "near_full", full }

    let limitBytes: Int64
    private let journal: Journal
    private(set) var usedBytes: Int64 = 0
    private(set) var level: Level = .ok
    private let log = Logger("journal")

    init(journal: Journal, limitBytes: Int) {
        self.journal = journal
        self.limitBytes = Int64(limitBytes)
        refresh()
    }

    /// Reads the size again and says when the level changed.
    func refresh() {
        guard let used = try? journal.usedBytes() else { return }
        usedBytes = used
        let now: Level = used >= limitBytes ? .full : Double(used) >= Double(limitBytes) * Self.warningShare ? .nearFull : .ok
        guard now != level else { return }
        level = now
        let fields: KeyValuePairs<String, String> = ["used_bytes": "\(used)", "limit_bytes": "\(limitBytes)"]
        switch now {
        case .ok: log.notice("journal back under its size budget", fields)
        case .nearFull: log.warning("journal near its size budget ([box] max_database_size)", fields)
        case .full: log.error("journal at its size budget: webhooks are refused with 503 until there is room", fields)
        }
    }
}
