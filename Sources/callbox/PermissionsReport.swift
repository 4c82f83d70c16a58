import Callbox
import CallCore
import Journal
import Runtime

/// `callbox journal permissions [PHONE]`: what the ledger holds, and who changed a
/// contact's record and why (`request`, `user_reply`, `meta_reconcile`, `call_outcome`,
/// `local_rule`). Read-only: a lapse shows as such but is journalled by the running box.
enum PermissionsReport {
    static func list(_ journal: Journal, limit: Int) throws {
        let rows = try journal.permissions.summaries(limit: limit)
        guard !rows.isEmpty else {
            print("no call permissions recorded yet")
            return
        }
        print(pad(["contact", "state", "expires (UTC)", "unanswered", "changed (UTC)"], [34, 11, 22, 11]))
        for row in rows {
            print(pad([row.contactKey, row.state, row.expiresAt.map(TimeText.format) ?? "-", "\(row.consecutiveMissed)",
                       TimeText.format(row.updatedAt)], [34, 11, 22, 11]))
        }
    }

    /// `contact` is a phone (its business-scoped user id is used when Meta gave one) or a key.
    static func show(_ journal: Journal, contact: String) throws {
        var key = contact
        if let phone = PhoneNumber(contact) {
            key = try journal.comms.userID(forPhone: phone.description) ?? phone.description
        }
        guard let record = try journal.permissions.record(contactKey: key) else {
            print("no call permission recorded for \(key)")
            return
        }
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        var state = record.state.name.rawValue
        if let expires = record.state.expires {
            state += (expires <= now ? ", lapsed " : ", until ") + TimeText.format(expires)
        }
        print("\(key): \(state); \(record.consecutiveUnanswered) unanswered business call(s) in a row")
        if !record.requestTimes.isEmpty {
            print("  requests counted: " + record.requestTimes.map(TimeText.format).joined(separator: ", "))
        }
        for entry in try journal.permissions.history(contactKey: key) {
            print("  \(TimeText.format(entry.at))  \(entry.fromState) → \(entry.toState)  \(entry.reason)  (\(entry.source))")
        }
    }

    private static func pad(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            guard index < widths.count else {
                line += cell
                break
            }
            line += cell.count >= widths[index] ? cell + " " : cell + String(repeating: " ", count: widths[index] - cell.count)
        }
        return line
    }
}
