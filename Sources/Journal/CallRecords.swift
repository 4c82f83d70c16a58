import CallCore

/// A finished call, as shown in "recent calls" and logged to HubSpot (the CDR).
public struct CallDetailRecord: Equatable, Sendable {
    /// Meta's `wacid`.
    public var callId: String
    /// `inbound` or `outbound`.
    public var direction: String
    public var remoteNumber: String?
    /// The user's BSUID, when Meta gave one (the only identity of a username user, spec §11.4).
    public var remoteUserID: String?
    public var businessNumber: String
    public var offeredAt: Instant
    public var answeredAt: Instant?
    public var endedAt: Instant
    /// Talk time: from answer to end, zero when never answered.
    public var duration: TimeSpan
    /// `missed`, `rejected`, `completed`, `failed` or `busy`.
    public var outcome: String
    /// `handset` or an agent name.
    public var answeredBy: String?
    public var endReason: String?
    /// Filled by the media-quality feature; nil until then.
    public var quality: String?

    public init(callId: String, direction: String, remoteNumber: String?, remoteUserID: String? = nil, businessNumber: String,
                offeredAt: Instant, answeredAt: Instant?, endedAt: Instant, duration: TimeSpan, outcome: String,
                answeredBy: String? = nil, endReason: String? = nil, quality: String? = nil) {
        self.callId = callId
        self.direction = direction
        self.remoteNumber = remoteNumber
        self.remoteUserID = remoteUserID
        self.businessNumber = businessNumber
        self.offeredAt = offeredAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.duration = duration
        self.outcome = outcome
        self.answeredBy = answeredBy
        self.endReason = endReason
        self.quality = quality
    }
}

/// Call records, one per call id.
public struct CallRecords {
    let connection: SQLiteConnection

    private static let columns = """
        call_id, direction, remote_number, business_number, offered_at, answered_at, ended_at,
        duration_ms, outcome, answered_by, end_reason, quality, remote_user_id
        """

    /// Records a finished call once: a second record for the same call id (recovery running
    /// again after a crash mid-way) is ignored. True if this call wrote the record. Only the
    /// call id conflict is ignored (not `INSERT OR IGNORE`, which would also swallow a
    /// broken CHECK rule and lose the record silently).
    @discardableResult
    public func record(_ call: CallDetailRecord) throws -> Bool {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO calls (\(Self.columns))
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                ON CONFLICT (call_id) DO NOTHING
                """) {
                try $0.bind(1, call.callId)
                try $0.bind(2, call.direction)
                try $0.bind(3, call.remoteNumber)
                try $0.bind(4, call.businessNumber)
                try $0.bind(5, call.offeredAt.unixMilliseconds)
                try $0.bind(6, call.answeredAt?.unixMilliseconds)
                try $0.bind(7, call.endedAt.unixMilliseconds)
                try $0.bind(8, call.duration.milliseconds)
                try $0.bind(9, call.outcome)
                try $0.bind(10, call.answeredBy)
                try $0.bind(11, call.endReason)
                try $0.bind(12, call.quality)
                try $0.bind(13, call.remoteUserID)
            } == 1
        }
    }

    /// The newest calls first, by when they were offered.
    public func recentCalls(limit: Int) throws -> [CallDetailRecord] {
        try connection.query("SELECT \(Self.columns) FROM calls ORDER BY offered_at DESC, id DESC LIMIT ?1",
                             { try $0.bind(1, Int64(limit)) }, row: Self.record(from:))
    }

    public func call(id: String) throws -> CallDetailRecord? {
        try connection.queryFirst("SELECT \(Self.columns) FROM calls WHERE call_id = ?1",
                                  { try $0.bind(1, id) }, row: Self.record(from:))
    }

    private static func record(from row: Statement) throws -> CallDetailRecord {
        CallDetailRecord(callId: try row.text(0), direction: try row.text(1), remoteNumber: row.optionalText(2),
                   remoteUserID: row.optionalText(12), businessNumber: try row.text(3), offeredAt: Instant(unixMilliseconds: try row.int64(4)),
                   answeredAt: row.optionalInt64(5).map(Instant.init(unixMilliseconds:)),
                   endedAt: Instant(unixMilliseconds: try row.int64(6)),
                   duration: TimeSpan(milliseconds: try row.int64(7)), outcome: try row.text(8),
                   answeredBy: row.optionalText(9), endReason: row.optionalText(10), quality: row.optionalText(11))
    }
}
