import Testing
@testable import Journal
import CallCore

@Suite struct PermissionLedgerTests {
    private let policy = PermissionPolicy()

    /// Applies a change to the record and journals it, as the daemon does.
    private func apply(_ journal: Journal, _ key: String, _ record: inout PermissionRecord,
                       _ step: (inout PermissionRecord) -> PermissionChange?) throws {
        guard let change = step(&record) else { return }
        try journal.permissions.save(record, contactKey: key, change: change)
    }

    @Test func anUnknownContactHasNoRecord() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect(try journal.permissions.record(contactKey: "GB.1349") == nil)
        #expect(try journal.permissions.history(contactKey: "GB.1349").isEmpty)
    }

    @Test func aRecordRoundTripsWithItsHistory() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let key = "GB.13491208655302741918"
        var record = PermissionRecord(updatedAt: t0)
        try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0) }
        #expect(try journal.permissions.record(contactKey: key) == record)
        try apply(journal, key, &record) {
            policy.recordReply(&$0, accepted: true, permanent: false, expiration: t0 + .days(6), now: t0 + .minutes(5))
        }
        try apply(journal, key, &record) {
            policy.recordCallOutcome(&$0, direction: .outbound, connected: false, now: t0 + .hours(1))
        }
        let loaded = try journal.permissions.record(contactKey: key)
        #expect(loaded == record)
        #expect(loaded?.state == .temporary(expires: t0 + .days(6)))
        #expect(loaded?.requestTimes == [t0])
        #expect(loaded?.consecutiveUnanswered == 1)
        #expect(try journal.permissions.history(contactKey: key) == [
            PermissionHistoryEntry(at: t0, fromState: "none", toState: "requested", reason: "request_sent", source: "request"),
            PermissionHistoryEntry(at: t0 + .minutes(5), fromState: "requested", toState: "temporary",
                                   reason: "granted_temporary", source: "user_reply"),
            PermissionHistoryEntry(at: t0 + .hours(1), fromState: "temporary", toState: "temporary",
                                   reason: "unanswered_call", source: "call_outcome"),
        ])
    }

    @Test func theRequestLimitsSurviveARestart() throws {
        let directory = TemporaryDirectory()
        let key = "34600111222"
        do {
            let journal = try directory.open()
            var record = PermissionRecord(updatedAt: t0)
            try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0) }
            try apply(journal, key, &record) {
                policy.recordReply(&$0, accepted: false, permanent: false, expiration: nil, now: t0 + .hours(1))
            }
            try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0 + .days(2)) }
            try journal.close()
        }
        let journal = try directory.open()
        let record = try #require(try journal.permissions.record(contactKey: key))
        #expect(record.requestTimes == [t0, t0 + .days(2)])
        #expect(policy.mayRequest(record, now: t0 + .days(3))
                == .refused(PermissionRefusal(rule: .weeklyLimit, nextAllowed: t0 + .days(7))))
    }

    @Test func requestsThatLeftTheWindowAreNotLoaded() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let key = "GB.1349"
        var record = PermissionRecord(updatedAt: t0)
        for day: Int64 in [0, 3, 8, 9] {
            try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0 + .days(day)) }
        }
        #expect(record.requestTimes == [t0 + .days(3), t0 + .days(8), t0 + .days(9)])
        #expect(try journal.permissions.record(contactKey: key) == record)
    }

    @Test func aConnectedCallClearsTheJournalledRequests() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let key = "GB.1349"
        var record = PermissionRecord(updatedAt: t0)
        try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0) }
        try apply(journal, key, &record) {
            policy.recordCallOutcome(&$0, direction: .inbound, connected: true, now: t0 + .hours(2))
        }
        try apply(journal, key, &record) { policy.recordRequest(&$0, now: t0 + .hours(3)) }
        let loaded = try journal.permissions.record(contactKey: key)
        #expect(loaded?.requestTimes == [t0 + .hours(3)])
        #expect(loaded == record)
        #expect(try journal.permissions.history(contactKey: key).map(\.reason)
                == ["request_sent", "limits_reset", "request_sent"])
    }

    @Test func revocationAndMetaCorrectionsAreJournalled() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let key = "GB.1349"
        var record = PermissionRecord(updatedAt: t0)
        try apply(journal, key, &record) { policy.reconcile(&$0, withMeta: .permanent, now: t0) }
        for call in 1...4 {
            try apply(journal, key, &record) {
                policy.recordCallOutcome(&$0, direction: .outbound, connected: false, now: t0 + .hours(Int64(call)))
            }
        }
        #expect(try journal.permissions.record(contactKey: key)?.state == .revoked)
        let history = try journal.permissions.history(contactKey: key)
        #expect(history.first == PermissionHistoryEntry(at: t0, fromState: "none", toState: "permanent",
                                                        reason: "meta_permanent", source: "meta_reconcile"))
        #expect(history.last == PermissionHistoryEntry(at: t0 + .hours(4), fromState: "permanent", toState: "revoked",
                                                       reason: "revoked_after_unanswered_calls", source: "call_outcome"))
        #expect(history.count == 5)
        // Contacts do not share history.
        #expect(try journal.permissions.history(contactKey: "GB.other").isEmpty)
    }

    @Test func aFailedSaveLeavesNeitherRowNorHistory() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let key = "GB.1349"
        var record = PermissionRecord(updatedAt: t0)
        let change = policy.recordRequest(&record, now: t0)
        try journal.connection.executeScript("""
            CREATE TRIGGER refuse_history BEFORE INSERT ON permission_history
            BEGIN SELECT RAISE(ABORT, 'refused by test'); END
            """)
        #expect(throws: JournalError.self) { try journal.permissions.save(record, contactKey: key, change: change) }
        #expect(try journal.permissions.record(contactKey: key) == nil)
    }

    @Test func contactsAreKeyedByUserIdFirst() {
        let phone = PhoneNumber("+34 600 111 222")
        #expect(PermissionLedger.contactKey(userId: "GB.1349", phone: phone) == "GB.1349")
        #expect(PermissionLedger.contactKey(userId: nil, phone: phone) == "34600111222")
        #expect(PermissionLedger.contactKey(userId: "", phone: phone) == "34600111222")
        #expect(PermissionLedger.contactKey(userId: nil, phone: nil) == nil)
    }
}
