import CallCore

/// The communications log: WhatsApp messages in and out, one row per wamid, with the best
/// delivery status seen for each message we sent.
///
/// A status can arrive before its message's row exists (the send's commit and Meta's webhook
/// race, or the message was sent by another tool on the same number). Such statuses wait in
/// `comms_status_backlog`, one per (wamid, status), and are applied when the row is recorded;
/// `pruneStatusBacklog` drops those whose message never showed up.
public struct CommsLog {
    let connection: SQLiteConnection

    /// A page is at most this many rows, whatever the caller asks: a timeline is read page by page.
    public static let maxPageSize = 200

    /// Who a conversation is with.
    public enum Party: Sendable, Equatable {
        /// The BSUID or normalised phone the rows were stored under.
        case contactKey(String)
        /// Normalised phone digits, matching rows stored under a BSUID too.
        case phone(String)
    }

    public struct Page: Equatable, Sendable {
        public var records: [CommsRecord]
        /// Pass as `after` for the next page; nil when this page is the last.
        public var nextCursor: Int64?
    }

    public enum StatusOutcome: Equatable, Sendable {
        /// The row now shows this status.
        case applied
        /// The row already shows this status or a later one, or is inbound.
        case unchanged
        /// No row has this wamid yet; the status is kept for it.
        case held
    }

    private static let columns = """
        id, wamid, direction, contact_key, phone, hubspot_contact_id, type, body, mime_type, caption, file_name,
        status, status_at, error_code, error_text, sent_at, updated_at, raw
        """

    /// Records a message that reached us, once: a redelivery of the same wamid writes nothing.
    /// True if this call wrote the row.
    @discardableResult
    public func recordInbound(_ record: CommsRecord) throws -> Bool {
        var inbound = record
        inbound.direction = "inbound"
        inbound.status = inbound.status ?? "received"
        return try insert(inbound)
    }

    /// Records a message we sent, once per wamid, then applies any status that arrived first.
    /// True if this call wrote the row.
    @discardableResult
    public func recordOutbound(_ record: CommsRecord) throws -> Bool {
        var outbound = record
        outbound.direction = "outbound"
        return try connection.transaction {
            guard try insert(outbound) else { return false }
            let held = try connection.query("""
                SELECT status, at, error_code, error_text FROM comms_status_backlog WHERE wamid = ?1
                """, { try $0.bind(1, record.wamid) }) { row in
                (status: try row.text(0), at: Instant(unixMilliseconds: try row.int64(1)),
                 error: row.optionalInt64(2).map { CommsError(code: $0, text: row.optionalText(3)) })
            }
            for status in held {
                _ = try update(wamid: record.wamid, status: status.status, at: status.at, error: status.error, now: record.updatedAt)
            }
            _ = try connection.execute("DELETE FROM comms_status_backlog WHERE wamid = ?1") { try $0.bind(1, record.wamid) }
            return true
        }
    }

    /// Applies a delivery status (spec §7.2) to the message we sent, never moving it back:
    /// see `CommsStatusRank`. A `failed` status keeps its error. For an unknown wamid the
    /// status is held until the row is recorded.
    @discardableResult
    public func applyStatus(wamid: String, status: String, at: Instant, error: CommsError? = nil, now: Instant) throws -> StatusOutcome {
        try connection.transaction {
            let exists = try connection.queryFirst("SELECT 1 FROM comms_log WHERE wamid = ?1", { try $0.bind(1, wamid) }) { _ in true } ?? false
            if exists {
                return try update(wamid: wamid, status: status, at: at, error: error, now: now) ? .applied : .unchanged
            }
            // A redelivered status replaces its earlier copy; one row per (wamid, status).
            _ = try connection.execute("""
                INSERT INTO comms_status_backlog (wamid, status, at, error_code, error_text, received_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (wamid, status) DO UPDATE SET at = excluded.at, error_code = excluded.error_code,
                    error_text = excluded.error_text, received_at = excluded.received_at
                """) {
                try $0.bind(1, wamid)
                try $0.bind(2, status)
                try $0.bind(3, at.unixMilliseconds)
                try $0.bind(4, error?.code)
                try $0.bind(5, error?.text)
                try $0.bind(6, now.unixMilliseconds)
            }
            return .held
        }
    }

    /// Records which HubSpot contact a message is with: its object id, or `unknown:{phone}`
    /// when HubSpot has none (issue 4 item 1). Set after the row, because the lookup must
    /// not hold up intake. True if the row changed.
    @discardableResult
    public func setHubSpotContact(_ contact: String, wamid: String, now: Instant) throws -> Bool {
        try connection.execute("""
            UPDATE comms_log SET hubspot_contact_id = ?2, updated_at = ?3
            WHERE wamid = ?1 AND hubspot_contact_id IS NOT ?2
            """) {
            try $0.bind(1, wamid)
            try $0.bind(2, contact)
            try $0.bind(3, now.unixMilliseconds)
        } == 1
    }

    /// Drops held statuses received before `cutoff` whose message never appeared. Returns how many.
    @discardableResult
    public func pruneStatusBacklog(receivedBefore cutoff: Instant) throws -> Int {
        try connection.execute("DELETE FROM comms_status_backlog WHERE received_at < ?1") { try $0.bind(1, cutoff.unixMilliseconds) }
    }

    /// Statuses waiting for their message, for `callbox journal` and tests.
    public func heldStatusCount() throws -> Int {
        Int(try connection.queryFirst("SELECT count(*) FROM comms_status_backlog") { try $0.int64(0) } ?? 0)
    }

    public func record(wamid: String) throws -> CommsRecord? {
        try connection.queryFirst("SELECT \(Self.columns) FROM comms_log WHERE wamid = ?1",
                                  { try $0.bind(1, wamid) }, row: Self.record(from:))
    }

    /// A conversation oldest first, in the order the box recorded it, `limit` rows (at most
    /// `maxPageSize`) after the row id `after`.
    public func conversation(with party: Party, after cursor: Int64? = nil, limit: Int) throws -> Page {
        let size = max(1, min(limit, Self.maxPageSize))
        let (column, value) = switch party {
        case .contactKey(let key): ("contact_key", key)
        case .phone(let phone): ("phone", phone)
        }
        // One row more than the page says whether another page follows.
        var records = try connection.query("""
            SELECT \(Self.columns) FROM comms_log WHERE \(column) = ?1 AND id > ?2 ORDER BY id LIMIT ?3
            """, {
                try $0.bind(1, value)
                try $0.bind(2, cursor ?? 0)
                try $0.bind(3, Int64(size + 1))
            }, row: Self.record(from:))
        let more = records.count > size
        if more { records.removeLast() }
        return Page(records: records, nextCursor: more ? records.last?.id : nil)
    }

    private func insert(_ record: CommsRecord) throws -> Bool {
        // Only the wamid conflict is ignored, as in CallRecords: a broken CHECK must still fail.
        try connection.execute("""
            INSERT INTO comms_log (wamid, direction, contact_key, phone, hubspot_contact_id, type, body, mime_type,
                                   caption, file_name, status, status_at, error_code, error_text, sent_at, updated_at, raw)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            ON CONFLICT (wamid) DO NOTHING
            """) {
            try $0.bind(1, record.wamid)
            try $0.bind(2, record.direction)
            try $0.bind(3, record.contactKey)
            try $0.bind(4, record.phone)
            try $0.bind(5, record.hubspotContactID)
            try $0.bind(6, record.type)
            try $0.bind(7, record.body)
            try $0.bind(8, record.mimeType)
            try $0.bind(9, record.caption)
            try $0.bind(10, record.fileName)
            try $0.bind(11, record.status)
            try $0.bind(12, record.statusAt?.unixMilliseconds)
            try $0.bind(13, record.errorCode)
            try $0.bind(14, record.errorText)
            try $0.bind(15, record.sentAt.unixMilliseconds)
            try $0.bind(16, record.updatedAt.unixMilliseconds)
            if let raw = record.raw { try $0.bind(17, raw) } else { try $0.bindNull(17) }
        } == 1
    }

    /// Applies `status` to an outbound row if it ranks higher than the stored one. True if it did.
    private func update(wamid: String, status: String, at: Instant, error: CommsError?, now: Instant) throws -> Bool {
        guard let current = try connection.queryFirst("SELECT direction, status FROM comms_log WHERE wamid = ?1",
                                                      { try $0.bind(1, wamid) }, row: { (try $0.text(0), $0.optionalText(1)) }),
              current.0 == "outbound",
              CommsStatusRank.rank(status) > CommsStatusRank.rank(current.1) else { return false }
        _ = try connection.execute("""
            UPDATE comms_log SET status = ?2, status_at = ?3, error_code = coalesce(?4, error_code),
                error_text = coalesce(?5, error_text), updated_at = ?6
            WHERE wamid = ?1
            """) {
            try $0.bind(1, wamid)
            try $0.bind(2, status)
            try $0.bind(3, at.unixMilliseconds)
            try $0.bind(4, error?.code)
            try $0.bind(5, error?.text)
            try $0.bind(6, now.unixMilliseconds)
        }
        return true
    }

    private static func record(from row: Statement) throws -> CommsRecord {
        CommsRecord(id: try row.int64(0), wamid: try row.text(1), direction: try row.text(2), contactKey: try row.text(3),
                    phone: row.optionalText(4), hubspotContactID: row.optionalText(5), type: try row.text(6),
                    body: row.optionalText(7), mimeType: row.optionalText(8), caption: row.optionalText(9),
                    fileName: row.optionalText(10), status: row.optionalText(11),
                    statusAt: row.optionalInt64(12).map(Instant.init(unixMilliseconds:)),
                    errorCode: row.optionalInt64(13), errorText: row.optionalText(14),
                    sentAt: Instant(unixMilliseconds: try row.int64(15)), updatedAt: Instant(unixMilliseconds: try row.int64(16)),
                    raw: row.isNull(17) ? nil : try row.blob(17))
    }
}

/// Why Meta could not deliver a message we sent (a `failed` status's first error).
public struct CommsError: Equatable, Sendable {
    public var code: Int64
    public var text: String?

    public init(code: Int64, text: String?) {
        self.code = code
        self.text = text
    }
}
