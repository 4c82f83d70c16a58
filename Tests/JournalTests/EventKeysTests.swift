import Testing
@testable import Journal
import CallCore

@Suite struct EventKeysTests {
    @Test func aKeyIsNewOnlyOnceAcrossRestarts() throws {
        let directory = TemporaryDirectory()
        do {
            let journal = try directory.open()
            #expect(try journal.eventKeys.rememberEvent(key: "call:wacid.A:connect", at: t0))
            #expect(try journal.eventKeys.rememberEvent(key: "call:wacid.A:connect", at: t0) == false)
            #expect(try journal.eventKeys.rememberEvent(key: "call:wacid.A:terminate", at: t0))
            try journal.close()
        }
        let journal = try directory.open()
        #expect(try journal.eventKeys.rememberEvent(key: "call:wacid.A:connect", at: t0 + .hours(1)) == false)
    }

    @Test func pruningForgetsKeysOlderThanTheRetention() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let keys = journal.eventKeys
        #expect(try keys.rememberEvent(key: "old", at: t0))
        #expect(try keys.rememberEvent(key: "edge", at: t0 + .days(1)))
        #expect(try keys.rememberEvent(key: "new", at: t0 + .days(6)))

        let now = t0 + EventKeys.retention + .days(1)
        #expect(try keys.prune(now: now) == 1)
        #expect(try keys.rememberEvent(key: "old", at: now))
        #expect(try keys.rememberEvent(key: "edge", at: now) == false)
        #expect(try keys.rememberEvent(key: "new", at: now) == false)
        #expect(EventKeys.retention == .days(7))
    }
}
