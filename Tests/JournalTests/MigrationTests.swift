import Testing
@testable import Journal

/// Rows an installed box would hold at each schema version, written with that version's SQL
/// as the older build would have written them.
private let representativeRows: [Int: String] = [
    1: """
        INSERT INTO inbox (received_at, body) VALUES (1767225600000, x'7B2265223A317D');
        INSERT INTO seen_events (key, seen_at) VALUES ('call:wacid.A:connect', 1767225600000);
        INSERT INTO call_journal (call_key, at, from_state, to_state, event, detail)
            VALUES ('wacid.A', 1767225600000, 'idle', 'ringing', 'connect', 'slot 0');
        INSERT INTO call_sessions (call_key, direction, remote_number, business_number, offered_at, answer_sdp)
            VALUES ('wacid.A', 'inbound', '34600111222', '442071838750', 1767225600000, 'v=0' || char(13, 10));
        INSERT INTO calls (call_id, direction, remote_number, business_number, offered_at, answered_at,
                           ended_at, duration_ms, outcome, answered_by, end_reason)
            VALUES ('wacid.OLD', 'inbound', '34600111222', '442071838750', 1767225000000, 1767225005000,
                    1767225065000, 60000, 'completed', 'handset', 'remote hangup');
        """,
    2: """
        INSERT INTO calls (call_id, direction, business_number, offered_at, ended_at, duration_ms, outcome, quality)
            VALUES ('wacid.Q', 'outbound', '442071838750', 1767225100000, 1767225200000, 0, 'missed', 'mos=4.1');
        """,
    3: """
        INSERT INTO comms_log (wamid, direction, contact_key, phone, type, body, status, sent_at, updated_at, raw)
            VALUES ('wamid.1', 'inbound', 'GB.1349', '34600111222', 'text', 'hola', 'received',
                    1767225600000, 1767225600000, x'7B7D');
        INSERT INTO permissions (contact_key, state, expires_at, updated_at)
            VALUES ('GB.1349', 'temporary', 1767830400000, 1767225600000);
        INSERT INTO permission_history (contact_key, at, from_state, to_state, reason, source)
            VALUES ('GB.1349', 1767225600000, 'requested', 'temporary', 'call_permission_reply', 'user_action');
        INSERT INTO outbox (idempotency_key, kind, payload, next_attempt_at, created_at)
            VALUES ('hubspot-call:wacid.OLD', 'hubspot_call', x'7B7D', 1767225600000, 1767225600000);
        INSERT INTO agents (name, email, updated_at) VALUES ('ana', 'ana@example.com', 1767225600000);
        INSERT INTO sessions (token_hash, agent, csrf_token, created_at, expires_at)
            VALUES (x'00FF', 'ana', 'csrf', 1767225600000, 1767312000000);
        """,
    4: """
        INSERT INTO comms_log (wamid, direction, contact_key, phone, type, body, status, status_at, sent_at, updated_at)
            VALUES ('wamid.OUT', 'outbound', '34600111222', '34600111222', 'text', 'hi', 'delivered',
                    1767225700000, 1767225600000, 1767225700000);
        INSERT INTO comms_status_backlog (wamid, status, at, received_at)
            VALUES ('wamid.LATE', 'read', 1767225800000, 1767225800000);
        """,
    5: """
        INSERT INTO outbox (idempotency_key, kind, payload, state, attempts, next_attempt_at, last_attempt_at, may_exist,
                            object_id, created_at, finished_at)
            VALUES ('hubspot-call:wacid.Q', 'hubspot_call', x'7B7D', 'delivered', 1, 1767225700000, 1767225700000, 1,
                    '5001', 1767225600000, 1767225701000);
        """,
    6: """
        INSERT INTO call_errors (call_id, event, code, title, message, details, received_at)
            VALUES ('wacid.Q', 'terminate', 138021, 'Call ended', 'Call ended', 'Peer ended call', 1767225700000);
        INSERT INTO call_media (call_id, kind, media_id, sha256, mime_type, url, user_phone, user_id, received_at)
            VALUES ('wacid.Q', 'recording', '7700112233', 'c2hh', 'audio/ogg; codecs=opus', NULL, '34600111222', 'ES.4471', 1767225800000);
        INSERT INTO user_id_changes (previous, current, phone, at) VALUES ('GB.1349', 'GB.9876', NULL, 1767225900000);
        """,
]

private func schema(of journal: Journal) throws -> [String] {
    try journal.connection.query("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name") {
        try $0.text(0)
    }
}

private func count(_ table: String, in journal: Journal) throws -> Int64 {
    try journal.connection.queryFirst("SELECT count(*) FROM \(table)") { try $0.int64(0) } ?? -1
}

@Suite struct MigrationTests {
    @Test func stepsAreNumberedInOrder() {
        #expect(Migrations.steps.map(\.version) == Array(1...Migrations.latestVersion))
        #expect(Migrations.latestVersion >= 2)
        #expect(representativeRows.keys.sorted() == Array(1...Migrations.latestVersion))
    }

    @Test func aNewJournalIsAtTheNewestVersion() throws {
        let directory = TemporaryDirectory()
        let journal = try directory.open()
        #expect(try journal.schemaVersion == Journal.newestSchemaVersion)
    }

    @Test(arguments: 0..<Migrations.latestVersion)
    func upgradesFromEveryEarlierVersionKeepingData(from version: Int) throws {
        let directory = TemporaryDirectory()
        do {
            let old = try Journal(connection: SQLiteConnection(path: directory.databasePath),
                                  options: Journal.Options(), migrateTo: version)
            #expect(try old.schemaVersion == version)
            for step in 0...version {
                if let rows = representativeRows[step] { try old.connection.executeScript(rows) }
            }
            try old.close()
        }

        let journal = try directory.open()
        #expect(try journal.schemaVersion == Journal.newestSchemaVersion)

        let fresh = TemporaryDirectory()
        #expect(try schema(of: journal) == schema(of: try fresh.open()))

        if version >= 1 {
            #expect(try journal.inbox.pending(limit: 10).map(\.body) == [bytes("{\"e\":1}")])
            #expect(try journal.eventKeys.rememberEvent(key: "call:wacid.A:connect", at: t0) == false)
            let open = try journal.callJournal.openCalls()
            #expect(open.map(\.latest.toState) == ["ringing"])
            #expect(open.first?.latest.detail == "slot 0")
            #expect(try journal.callSessions.session(callKey: "wacid.A")?.answerSDP == "v=0\r\n")
            let old = try journal.callRecords.call(id: "wacid.OLD")
            #expect(old?.duration == .seconds(60))
            #expect(old?.answeredBy == "handset")
            #expect(old?.quality == nil)
        }
        if version >= 2 {
            #expect(try journal.callRecords.call(id: "wacid.Q")?.quality == "mos=4.1")
        }
        if version >= 3 {
            for table in ["permissions", "permission_history", "agents", "sessions"] {
                #expect(try count(table, in: journal) == 1)
            }
            // Version 5's rows add a delivered item.
            #expect(try count("outbox", in: journal) == (version >= 5 ? 2 : 1))
            // Version 4's rows add an outbound message.
            #expect(try count("comms_log", in: journal) == (version >= 4 ? 2 : 1))
            #expect(try journal.comms.record(wamid: "wamid.1")?.status == "received")
            // An item queued before version 5 reads as never attempted.
            let queued = try journal.outbox.item(idempotencyKey: "hubspot-call:wacid.OLD")
            #expect(queued?.state == .pending && queued?.attempts == 0 && queued?.mayExist == false)
            #expect(queued?.lastAttemptAt == nil && queued?.objectID == nil)
        }

        // Every version's rows can be written now: the schema is whole.
        for step in (version + 1)...Migrations.latestVersion {
            if let rows = representativeRows[step] { try journal.connection.executeScript(rows) }
        }
        #expect(try journal.callRecords.recentCalls(limit: 10).count == 2)
        #expect(try journal.comms.record(wamid: "wamid.OUT")?.status == "delivered")
        #expect(try journal.comms.heldStatusCount() == 1)
        #expect(try journal.outbox.item(idempotencyKey: "hubspot-call:wacid.Q")?.objectID == "5001")
    }

    @Test func reopeningAtTheNewestVersionChangesNothing() throws {
        let directory = TemporaryDirectory()
        let first = try directory.open()
        let before = try schema(of: first)
        try first.close()
        let again = try directory.open()
        #expect(try schema(of: again) == before)
        #expect(try again.schemaVersion == Journal.newestSchemaVersion)
    }

    @Test func aFailingStepLeavesTheLastCompleteVersion() throws {
        let directory = TemporaryDirectory()
        do {
            let old = try Journal(connection: SQLiteConnection(path: directory.databasePath),
                                  options: Journal.Options(), migrateTo: 1)
            // An index the next step creates already exists, so step 2 fails half-way.
            try old.connection.executeScript("CREATE INDEX calls_by_offer ON calls (ended_at)")
            try old.close()
        }
        let error = #expect(throws: JournalError.self) { try directory.open() }
        #expect(error?.operation.contains("migrate from version 1 to 2") == true)
        let connection = try SQLiteConnection(path: directory.databasePath)
        #expect(try Migrations.currentVersion(of: connection) == 1)
        // Step 2's first statement (the new column) was rolled back with the rest.
        let columns = try connection.query("SELECT name FROM pragma_table_info('calls')") { try $0.text(0) }
        #expect(!columns.contains("quality"))
    }
}
