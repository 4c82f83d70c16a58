import Callbox
import CallCore
import Config
import Journal

/// `callbox journal`: what the box did, read straight from its SQLite journal (safe while
/// the box runs: WAL lets a reader in beside the writer).
enum JournalCommand {
    static let usage = """
    usage: callbox journal [--config FILE] [WHAT]
      calls [--limit N]      recent calls, newest first (the default)
      call CALL_ID           every transition of one call
      open                   calls not finished
      inbox                  deliveries by state, and the undecodable ones with their error
      reprocess ID|all       put an undecodable or failed delivery back in the queue
      outbox                 HubSpot writes waiting or parked, with attempts and errors
      outbox requeue ID|all  retry a parked HubSpot write (all: every parked one)
      permissions [PHONE]    call permissions by contact; with PHONE (or a user id), its record and history
    """

    static func main(_ arguments: [String]) -> Int32 {
        var options = Options(arguments)
        let path = options.value("--config")
        let limit = options.value("--limit").flatMap(Int.init) ?? 20
        guard options.finish(allowing: 3) else {
            CommandLineTool.printError(usage)
            return 2
        }
        let words = options.positional
        if words.first == "help" {
            print(usage)
            return 0
        }
        guard let config = CommandLineTool.loadConfig(path) else { return 1 }
        do {
            let journal = try Journal(directory: config.box.dataDirectory)
            defer { try? journal.close() }
            switch (words.first ?? "calls", words.count) {
            case ("calls", 1), ("calls", 0): try listCalls(journal, limit: limit)
            case ("call", 2): try showCall(journal, key: words[1])
            case ("open", 1): try listOpen(journal)
            case ("inbox", 1): try showInbox(journal, limit: limit)
            case ("reprocess", 2): try reprocess(journal, which: words[1])
            case ("outbox", 1): try OutboxCommand.show(journal, limit: limit)
            case ("outbox", 3) where words[1] == "requeue": try OutboxCommand.requeue(journal, which: words[2])
            case ("permissions", 1): try PermissionsReport.list(journal, limit: limit)
            case ("permissions", 2): try PermissionsReport.show(journal, contact: words[1])
            default:
                CommandLineTool.printError(usage)
                return 2
            }
            return 0
        } catch {
            CommandLineTool.printError("callbox journal: \(error)")
            return 1
        }
    }

    private static func listCalls(_ journal: Journal, limit: Int) throws {
        let calls = try journal.callRecords.recentCalls(limit: limit)
        guard !calls.isEmpty else {
            print("no finished calls yet")
            return
        }
        print(row(["offered (UTC)", "call", "direction", "number", "outcome", "duration", "answered by"]))
        for call in calls {
            // A username user has no number (spec §11.4): their user id stands in its place.
            print(row([TimeText.format(call.offeredAt), call.callId, call.direction, call.remoteNumber ?? call.remoteUserID ?? "-", call.outcome,
                       TimeText.duration(call.duration), call.answeredBy ?? "-"]))
        }
    }

    private static func showCall(_ journal: Journal, key: String) throws {
        let transitions = try journal.callJournal.transitions(callKey: key)
        guard !transitions.isEmpty else {
            print("no call \(key) in the journal")
            return
        }
        if let session = try journal.callSessions.session(callKey: key) {
            let user = session.remoteNumber.map { "+\($0)" }
                ?? session.remoteUsername.map { "\($0) (username)" } ?? session.remoteUserId ?? "-"
            print("\(key): \(session.direction) \(user) ↔ \(session.businessNumber)"
                  + (session.remoteNumber != nil ? session.remoteUserId.map { " [\($0)]" } ?? "" : "")
                  + (session.answerer.map { ", answered by \($0)" } ?? ""))
        }
        for transition in transitions {
            let from = transition.fromState.isEmpty ? "·" : transition.fromState
            print("  \(TimeText.format(transition.at))  \(from) → \(transition.toState)  on \(transition.event)"
                  + (transition.detail.isEmpty ? "" : "  (\(transition.detail))"))
        }
        if let record = try journal.callRecords.call(id: key) {
            print("  recorded: \(record.outcome), \(TimeText.duration(record.duration))" + (record.endReason.map { ", \($0)" } ?? ""))
            if let quality = record.quality { print("  quality: \(quality)") }
        }
        for error in try journal.callReports.errors(callID: key) {
            print("  Meta (\(error.event)): \(error.text)")
        }
        for media in try journal.callReports.media(callID: key) {
            print("  \(media.kind.rawValue) ready at Meta: media \(media.mediaID)" + (media.mimeType.map { ", \($0)" } ?? ""))
        }
    }

    private static func listOpen(_ journal: Journal) throws {
        let open = try journal.callJournal.openCalls()
        if open.isEmpty { print("no open calls") }
        for call in open {
            print("\(call.latest.callKey)  \(call.latest.toState) since \(TimeText.format(call.latest.at))")
        }
    }

    private static func showInbox(_ journal: Journal, limit: Int) throws {
        let counts = try journal.inbox.counts()
        print("inbox: \(counts.pending) pending, \(counts.processed) processed, \(counts.undecodable) undecodable, \(counts.failed) failed")
        for delivery in try journal.inbox.undecodable(limit: limit) {
            print("  #\(delivery.id)  \(TimeText.format(delivery.receivedAt))  \(delivery.body.count) bytes  \(delivery.error ?? "")")
        }
    }

    private static func reprocess(_ journal: Journal, which: String) throws {
        var ids: [Int64]
        if which == "all" {
            ids = try journal.inbox.undecodable(limit: Int.max).map(\.id)
        } else if let id = Int64(which) {
            ids = [id]
        } else {
            throw CommandError("reprocess takes a delivery id or 'all'")
        }
        for id in ids { try journal.inbox.requeue(id: id, error: nil) }
        print("\(ids.count) deliveries queued again; a running box picks them up within seconds")
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [21, 28, 9, 15, 9, 9, 12]
        return zip(cells, widths).map { cell, width in
            cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
        }.joined()
    }
}

struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
