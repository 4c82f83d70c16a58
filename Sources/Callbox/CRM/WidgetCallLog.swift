import CallCore
import HubSpot
import Journal

/// The logging hand-off between the widget and the outbox (issue 5, "Logging rule"): every
/// call is logged in HubSpot exactly once. A browser call's engagement is queued at call end
/// but held back for `grace`; the widget's CALL_COMPLETED (`/api/calls/{id}/completed`)
/// settles it as logged by the widget, and an engagement the widget created but never
/// completed (`/engagement`) is updated by the outbox instead of a new one created.
final class WidgetCallLog {
    /// How long a browser call's engagement waits for the agent's notes in the widget.
    static let grace = TimeSpan.minutes(15)
    /// What the settled outbox row's `last_error` column says, for `callbox journal outbox`.
    static let settledNote = "logged by the widget"

    private let journal: Journal
    private let now: () -> Instant
    /// What the widget said about calls whose record (and outbox row) did not exist yet;
    /// applied when the record is written. Kept in memory: a restart in between leaves the
    /// box's own engagement to be created after the grace.
    private var early: [String: (completed: Bool, engagementID: String?)] = [:]

    init(journal: Journal, now: @escaping () -> Instant) {
        self.journal = journal
        self.now = now
    }

    /// When the box's engagement for this call record is first due.
    static func dueAt(for record: CallDetailRecord, recordedAt now: Instant) -> Instant {
        guard case .browser? = record.answeredBy.flatMap(Answerer.init(journalName:)) else { return now }
        return now + grace
    }

    /// The outbox row for `callKey` was just queued (inside the record's transaction).
    func recorded(callKey: String) throws {
        guard let said = early.removeValue(forKey: callKey) else { return }
        if said.completed {
            try settle(callKey, engagementID: said.engagementID)
        } else if let engagement = said.engagementID {
            try journal.outbox.adopt(idempotencyKey: CRMWrite.callKey(callID: callKey), objectID: engagement)
        }
    }

    func engagementCreated(call callKey: String, engagementID: String) throws {
        if try !journal.outbox.adopt(idempotencyKey: CRMWrite.callKey(callID: callKey), objectID: engagementID) {
            early[callKey] = (early[callKey]?.completed ?? false, engagementID)
        }
    }

    func completedByWidget(call callKey: String, engagementID: String?) throws {
        if try !settle(callKey, engagementID: engagementID ?? early[callKey]?.engagementID) {
            early[callKey] = (true, engagementID ?? early[callKey]?.engagementID)
        }
    }

    @discardableResult
    private func settle(_ callKey: String, engagementID: String?) throws -> Bool {
        try journal.outbox.deliveredElsewhere(idempotencyKey: CRMWrite.callKey(callID: callKey),
                                              objectID: engagementID ?? "widget", note: Self.settledNote, at: now())
    }
}
