import CallCore

/// Agents, as the config names them, and their widget sessions. A session is stored by the
/// SHA-256 of its token, never the token itself, so a copy of the database opens no session.
/// Deleting an agent deletes its sessions (`ON DELETE CASCADE`).
public struct AgentSessions {
    let connection: SQLiteConnection

    /// An agent as the rest of the box sees it; the password hash stays in the config.
    public struct Agent: Equatable, Sendable {
        public var name: String
        public var email: String
        public var hubspotOwnerID: String?

        public init(name: String, email: String, hubspotOwnerID: String?) {
            self.name = name
            self.email = email
            self.hubspotOwnerID = hubspotOwnerID
        }
    }

    public struct Session: Equatable, Sendable {
        public var tokenHash: [UInt8]
        public var agent: Agent
        public var csrfToken: String
        public var createdAt: Instant
        public var expiresAt: Instant
    }

    /// Makes the table match the config: agents that are gone are deleted with their
    /// sessions, the rest are inserted or updated. An agent whose email changed is deleted
    /// first too, so sessions opened under the old login end.
    public func syncAgents(_ agents: [Agent], at now: Instant) throws {
        try connection.transaction {
            let stored = try connection.query("SELECT name, email FROM agents") { (name: try $0.text(0), email: try $0.text(1)) }
            let wanted = Dictionary(agents.map { ($0.name, $0.email) }, uniquingKeysWith: { first, _ in first })
            for row in stored where wanted[row.name] != row.email {
                _ = try connection.execute("DELETE FROM agents WHERE name = ?1") { try $0.bind(1, row.name) }
            }
            for agent in agents {
                _ = try connection.execute("""
                    INSERT INTO agents (name, email, hubspot_owner_id, updated_at) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (name) DO UPDATE SET email = excluded.email,
                        hubspot_owner_id = excluded.hubspot_owner_id, updated_at = excluded.updated_at
                    """) {
                    try $0.bind(1, agent.name)
                    try $0.bind(2, agent.email)
                    try $0.bind(3, agent.hubspotOwnerID)
                    try $0.bind(4, now.unixMilliseconds)
                }
            }
        }
    }

    /// Every agent, by name.
    public func agents() throws -> [Agent] {
        try connection.query("SELECT name, email, hubspot_owner_id FROM agents ORDER BY name") {
            Agent(name: try $0.text(0), email: try $0.text(1), hubspotOwnerID: $0.optionalText(2))
        }
    }

    public func createSession(tokenHash: [UInt8], agent name: String, csrfToken: String,
                              createdAt: Instant, expiresAt: Instant) throws {
        _ = try connection.execute("""
            INSERT INTO sessions (token_hash, agent, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
            """) {
            try $0.bind(1, tokenHash)
            try $0.bind(2, name)
            try $0.bind(3, csrfToken)
            try $0.bind(4, createdAt.unixMilliseconds)
            try $0.bind(5, expiresAt.unixMilliseconds)
        }
    }

    /// The session with this token hash, with its agent, unless it has expired at `now`.
    public func session(tokenHash: [UInt8], at now: Instant) throws -> Session? {
        try connection.queryFirst("""
            SELECT s.token_hash, a.name, a.email, a.hubspot_owner_id, s.csrf_token, s.created_at, s.expires_at
            FROM sessions s JOIN agents a ON a.name = s.agent
            WHERE s.token_hash = ?1 AND s.expires_at > ?2
            """, {
                try $0.bind(1, tokenHash)
                try $0.bind(2, now.unixMilliseconds)
            }) { row in
            Session(tokenHash: try row.blob(0),
                    agent: Agent(name: try row.text(1), email: try row.text(2), hubspotOwnerID: row.optionalText(3)),
                    csrfToken: try row.text(4), createdAt: Instant(unixMilliseconds: try row.int64(5)),
                    expiresAt: Instant(unixMilliseconds: try row.int64(6)))
        }
    }

    /// Moves a session's expiry (an idle session's renewal).
    public func extendSession(tokenHash: [UInt8], to expiresAt: Instant) throws {
        _ = try connection.execute("UPDATE sessions SET expires_at = ?2 WHERE token_hash = ?1") {
            try $0.bind(1, tokenHash)
            try $0.bind(2, expiresAt.unixMilliseconds)
        }
    }

    /// True if a session was deleted.
    @discardableResult
    public func endSession(tokenHash: [UInt8]) throws -> Bool {
        try connection.execute("DELETE FROM sessions WHERE token_hash = ?1") { try $0.bind(1, tokenHash) } == 1
    }

    /// Deletes sessions expired at `now`; returns how many.
    @discardableResult
    public func pruneExpired(at now: Instant) throws -> Int {
        try connection.execute("DELETE FROM sessions WHERE expires_at <= ?1") { try $0.bind(1, now.unixMilliseconds) }
    }

    public func sessionCount() throws -> Int {
        Int(try connection.queryFirst("SELECT count(*) FROM sessions") { try $0.int64(0) } ?? 0)
    }
}
