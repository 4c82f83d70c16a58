import Testing
@testable import Journal
import CallCore

@Suite struct CallJournalTests {
    @Test func transitionsComeBackInCommitOrder() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let first = try journal.callJournal.appendTransition(callKey: "wacid.A", at: t0, from: "idle", to: "ringing",
                                                             event: "connect", detail: "slot 2")
        try journal.callJournal.appendTransition(callKey: "wacid.B", at: t0, from: "idle", to: "ringing", event: "connect")
        let third = try journal.callJournal.appendTransition(callKey: "wacid.A", at: t0 + .seconds(3), from: "ringing",
                                                             to: "answering", event: "offhook")
        let rows = try journal.callJournal.transitions(callKey: "wacid.A")
        #expect(rows == [
            CallTransition(seq: first, callKey: "wacid.A", at: t0, fromState: "idle", toState: "ringing",
                           event: "connect", detail: "slot 2"),
            CallTransition(seq: third, callKey: "wacid.A", at: t0 + .seconds(3), fromState: "ringing",
                           toState: "answering", event: "offhook", detail: ""),
        ])
        #expect(try journal.callJournal.transitions(callKey: "wacid.none").isEmpty)
    }

    @Test func openCallsAreThoseWhoseLatestStateIsNotTerminal() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let calls = journal.callJournal
        try calls.appendTransition(callKey: "ringing", at: t0, from: "idle", to: "ringing", event: "connect")
        try calls.appendTransition(callKey: "talking", at: t0 + .seconds(1), from: "idle", to: "ringing", event: "connect")
        try calls.appendTransition(callKey: "talking", at: t0 + .seconds(5), from: "ringing", to: "connected",
                                   event: "offhook")
        for (index, terminal) in CallJournal.terminalStates.enumerated() {
            let key = "done-\(terminal)"
            try calls.appendTransition(callKey: key, at: t0 + .seconds(Int64(index)), from: "idle", to: "ringing",
                                       event: "connect")
            try calls.appendTransition(callKey: key, at: t0 + .seconds(9), from: "ringing", to: terminal, event: "end")
        }
        // Ended, then a late duplicate moved it again: the latest row decides.
        try calls.appendTransition(callKey: "revived", at: t0, from: "ringing", to: "ended", event: "terminate")
        try calls.appendTransition(callKey: "revived", at: t0 + .seconds(2), from: "ended", to: "ringing",
                                   event: "connect")

        let open = try calls.openCalls()
        #expect(open.map(\.latest.callKey) == ["ringing", "talking", "revived"])
        #expect(open.map(\.latest.toState) == ["ringing", "connected", "ringing"])
        #expect(open.map(\.firstSeenAt) == [t0, t0 + .seconds(1), t0])
    }

    @Test func rekeyMovesTheLocalHandleToMetasCallId() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let calls = journal.callJournal
        try calls.appendTransition(callKey: "local:3:17", at: t0, from: "idle", to: "dialing", event: "dial")
        try calls.appendTransition(callKey: "local:3:17", at: t0, from: "dialing", to: "connecting", event: "sent")
        try journal.callSessions.upsert(CallSessionRecord(callKey: "local:3:17", direction: "outbound",
                                                    remoteNumber: "34600111222", businessNumber: "442071838750",
                                                    offeredAt: t0, offerSDP: "v=0\r\n"))
        try calls.appendTransition(callKey: "local:9:1", at: t0, from: "idle", to: "dialing", event: "dial")

        #expect(try calls.rekey(from: "local:3:17", to: "wacid.META") == 2)
        try calls.appendTransition(callKey: "wacid.META", at: t0 + .seconds(1), from: "connecting", to: "ringing",
                                   event: "RINGING")

        #expect(try calls.transitions(callKey: "local:3:17").isEmpty)
        #expect(try calls.transitions(callKey: "wacid.META").map(\.toState) == ["dialing", "connecting", "ringing"])
        #expect(try journal.callSessions.session(callKey: "local:3:17") == nil)
        #expect(try journal.callSessions.session(callKey: "wacid.META")?.offerSDP == "v=0\r\n")
        #expect(try calls.transitions(callKey: "local:9:1").count == 1)
        #expect(try calls.rekey(from: "local:unknown", to: "wacid.X") == 0)
    }

    @Test func rekeyOntoAnExistingSessionKeepsTheLocalAttributes() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        try journal.callSessions.upsert(CallSessionRecord(callKey: "wacid.META", direction: "outbound", remoteNumber: nil,
                                                    businessNumber: "442071838750", offeredAt: t0))
        try journal.callSessions.upsert(CallSessionRecord(callKey: "local:1:1", direction: "outbound",
                                                    remoteNumber: "34600111222", businessNumber: "442071838750",
                                                    offeredAt: t0, offerSDP: "v=0\r\n"))
        try journal.callJournal.rekey(from: "local:1:1", to: "wacid.META")
        let session = try journal.callSessions.session(callKey: "wacid.META")
        #expect(session?.remoteNumber == "34600111222")
        #expect(session?.offerSDP == "v=0\r\n")
    }

    @Test func sessionsUpsertAndKeepSDPByteForByte() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        let sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AB:CD\r\na=rtpmap:111 opus/48000/2\r\n"
        var session = CallSessionRecord(callKey: "wacid.A", direction: "inbound", remoteNumber: "34600111222",
                                  remoteUserId: "GB.13491208655302741918", businessNumber: "442071838750",
                                  offeredAt: t0, offerSDP: "v=0\r\n", callbackData: "ticket=9")
        try journal.callSessions.upsert(session)
        #expect(try journal.callSessions.session(callKey: "wacid.A") == session)

        session.answerer = "handset"
        session.answerSDP = sdp
        try journal.callSessions.upsert(session)
        let stored = try journal.callSessions.session(callKey: "wacid.A")
        #expect(stored == session)
        #expect(stored.map { Array($0.answerSDP?.utf8 ?? "".utf8) } == Array(sdp.utf8))
        #expect(try journal.callSessions.session(callKey: "wacid.none") == nil)
    }

    @Test func sessionDirectionIsChecked() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect {
            try journal.callSessions.upsert(CallSessionRecord(callKey: "x", direction: "up", remoteNumber: nil,
                                                        businessNumber: "1", offeredAt: t0))
        } throws: { ($0 as? JournalError)?.kind == .constraint }
    }
}
