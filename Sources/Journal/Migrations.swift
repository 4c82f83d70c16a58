/// The schema, as forward-only steps. `PRAGMA user_version` holds the number of steps
/// applied; opening a journal applies the missing ones, each in its own transaction, so a
/// power cut mid-upgrade leaves the database at the last complete version. Steps are never
/// edited once shipped: a box in the field may hold any earlier version.
struct Migration: Sendable {
    let version: Int
    let summary: String
    let sql: String
}

enum Migrations {
    static let steps: [Migration] = [
        Migration(version: 1, summary: "inbox, event keys, call journal, call sessions, call records", sql: """
            CREATE TABLE inbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                received_at INTEGER NOT NULL,
                body BLOB NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'processed', 'undecodable', 'failed')),
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                processed_at INTEGER
            );
            CREATE TABLE seen_events (
                key TEXT PRIMARY KEY,
                seen_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE call_journal (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                call_key TEXT NOT NULL,
                at INTEGER NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                event TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE call_sessions (
                call_key TEXT PRIMARY KEY,
                direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                remote_number TEXT,
                remote_user_id TEXT,
                business_number TEXT NOT NULL,
                offered_at INTEGER NOT NULL,
                answerer TEXT,
                offer_sdp TEXT,
                answer_sdp TEXT,
                callback_data TEXT
            );
            CREATE TABLE calls (
                id INTEGER PRIMARY KEY,
                call_id TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                remote_number TEXT,
                business_number TEXT NOT NULL,
                offered_at INTEGER NOT NULL,
                answered_at INTEGER,
                ended_at INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                outcome TEXT NOT NULL
                    CHECK (outcome IN ('missed', 'rejected', 'completed', 'failed', 'busy')),
                answered_by TEXT,
                end_reason TEXT
            );
            """),
        Migration(version: 2, summary: "call quality column; indexes for the hot queries", sql: """
            ALTER TABLE calls ADD COLUMN quality TEXT;
            CREATE INDEX inbox_by_state ON inbox (state, id);
            CREATE INDEX seen_events_by_time ON seen_events (seen_at);
            CREATE INDEX call_journal_by_call ON call_journal (call_key, seq);
            CREATE INDEX calls_by_offer ON calls (offered_at);
            """),
        Migration(version: 3, summary: "comms log, permissions, outbox, agents and sessions", sql: """
            CREATE TABLE comms_log (
                id INTEGER PRIMARY KEY,
                wamid TEXT UNIQUE,
                direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                contact_key TEXT NOT NULL,
                phone TEXT,
                hubspot_contact_id TEXT,
                type TEXT NOT NULL,
                body TEXT,
                mime_type TEXT,
                caption TEXT,
                file_name TEXT,
                status TEXT,
                error_code INTEGER,
                error_text TEXT,
                sent_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                raw BLOB
            );
            CREATE INDEX comms_log_by_contact ON comms_log (contact_key, sent_at);
            CREATE INDEX comms_log_by_phone ON comms_log (phone, sent_at);
            CREATE TABLE permissions (
                contact_key TEXT PRIMARY KEY,
                state TEXT NOT NULL DEFAULT 'none'
                    CHECK (state IN ('none', 'requested', 'temporary', 'permanent', 'rejected', 'revoked')),
                expires_at INTEGER,
                updated_at INTEGER NOT NULL,
                consecutive_missed INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE permission_history (
                id INTEGER PRIMARY KEY,
                contact_key TEXT NOT NULL,
                at INTEGER NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                reason TEXT NOT NULL,
                source TEXT NOT NULL
            );
            CREATE INDEX permission_history_by_contact ON permission_history (contact_key, at);
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                payload BLOB NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'parked')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
            CREATE TABLE agents (
                name TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                hubspot_owner_id TEXT,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE sessions (
                token_hash BLOB PRIMARY KEY,
                agent TEXT NOT NULL REFERENCES agents (name) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX sessions_by_expiry ON sessions (expires_at);
            """),
        Migration(version: 4, summary: "comms log: status time, statuses awaiting their message", sql: """
            ALTER TABLE comms_log ADD COLUMN status_at INTEGER;
            CREATE TABLE comms_status_backlog (
                wamid TEXT NOT NULL,
                status TEXT NOT NULL,
                at INTEGER NOT NULL,
                error_code INTEGER,
                error_text TEXT,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (wamid, status)
            ) WITHOUT ROWID;
            CREATE INDEX comms_status_backlog_by_age ON comms_status_backlog (received_at);
            CREATE INDEX comms_log_by_contact_id ON comms_log (contact_key, id);
            CREATE INDEX comms_log_by_phone_id ON comms_log (phone, id);
            """),
        Migration(version: 5, summary: "outbox: attempt bookkeeping, delivered object id, parked reason", sql: """
            ALTER TABLE outbox ADD COLUMN last_attempt_at INTEGER;
            ALTER TABLE outbox ADD COLUMN may_exist INTEGER NOT NULL DEFAULT 0 CHECK (may_exist IN (0, 1));
            ALTER TABLE outbox ADD COLUMN object_id TEXT;
            ALTER TABLE outbox ADD COLUMN parked_reason TEXT;
            ALTER TABLE outbox ADD COLUMN finished_at INTEGER;
            CREATE INDEX outbox_by_age ON outbox (state, created_at);
            """),
        Migration(version: 6, summary: "Meta's call errors, recordings and transcripts ready, BSUID changes", sql: """
            CREATE TABLE call_errors (
                id INTEGER PRIMARY KEY,
                call_id TEXT NOT NULL,
                event TEXT NOT NULL,
                code INTEGER NOT NULL,
                title TEXT,
                message TEXT,
                details TEXT,
                received_at INTEGER NOT NULL
            );
            CREATE INDEX call_errors_by_call ON call_errors (call_id, id);
            CREATE TABLE call_media (
                call_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('recording', 'transcript')),
                media_id TEXT NOT NULL,
                sha256 TEXT,
                mime_type TEXT,
                url TEXT,
                user_phone TEXT,
                user_id TEXT,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (call_id, kind)
            ) WITHOUT ROWID;
            ALTER TABLE calls ADD COLUMN remote_user_id TEXT;
            ALTER TABLE call_sessions ADD COLUMN remote_username TEXT;
            CREATE TABLE user_id_changes (
                id INTEGER PRIMARY KEY,
                previous TEXT NOT NULL,
                current TEXT NOT NULL,
                phone TEXT,
                at INTEGER NOT NULL
            );
            """),
    ]

    static var latestVersion: Int { steps.count }

    static func currentVersion(of connection: SQLiteConnection) throws -> Int {
        let version = try connection.queryFirst("PRAGMA user_version") { try $0.int64(0) }
        return Int(version ?? 0)
    }

    /// A database from a newer build may hold tables or meanings this build would damage.
    static func refuseNewer(_ found: Int) throws {
        guard found > latestVersion else { return }
        throw JournalError(kind: .schemaTooNew(found: found, newestKnown: latestVersion), resultCode: 0,
                           operation: "check schema version",
                           message: "Install a build that knows version \(found), or restore a backup.")
    }

    /// Brings the database up to `target` (the latest by default; tests stop earlier to
    /// build databases as older builds left them).
    static func migrate(_ connection: SQLiteConnection, to target: Int = latestVersion) throws {
        let current = try currentVersion(of: connection)
        try refuseNewer(current)
        for step in steps where step.version > current && step.version <= target {
            do {
                try connection.transaction {
                    try connection.executeScript(step.sql)
                    // user_version lives in the database header, so it commits with the step.
                    try connection.executeScript("PRAGMA user_version = \(step.version)")
                }
            } catch let error as JournalError {
                throw error.during("migrate from version \(step.version - 1) to \(step.version) (\(step.summary))")
            }
        }
    }
}
