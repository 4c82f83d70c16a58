import CallCore

/// What the daemon must still know about a call after a restart: who is on the line, and
/// the exact SDP it sent, because `accept` must carry an answer byte-identical to the
/// `pre_accept` one (whatsapp-cloud-api.md §3.1).
public struct CallSessionRecord: Equatable, Sendable {
    public var callKey: String
    /// `inbound` or `outbound`.
    public var direction: String
    /// The WhatsApp user's phone digits; absent when Meta only gives a business-scoped id (§9).
    public var remoteNumber: String?
    /// The WhatsApp user's business-scoped user id (BSUID), when Meta sends one.
    public var remoteUserId: String?
    /// The user's WhatsApp username (spec §11.4): what to show when there is no phone.
    public var remoteUsername: String?
    public var businessNumber: String
    public var offeredAt: Instant
    /// Who took the call: `handset` or an agent name.
    public var answerer: String?
    public var offerSDP: String?
    public var answerSDP: String?
    /// `biz_opaque_callback_data` sent with the call, echoed back by Meta.
    public var callbackData: String?

    public init(callKey: String, direction: String, remoteNumber: String?, remoteUserId: String? = nil,
                remoteUsername: String? = nil, businessNumber: String, offeredAt: Instant, answerer: String? = nil, offerSDP: String? = nil,
                answerSDP: String? = nil, callbackData: String? = nil) {
        self.callKey = callKey
        self.direction = direction
        self.remoteNumber = remoteNumber
        self.remoteUserId = remoteUserId
        self.remoteUsername = remoteUsername
        self.businessNumber = businessNumber
        self.offeredAt = offeredAt
        self.answerer = answerer
        self.offerSDP = offerSDP
        self.answerSDP = answerSDP
        self.callbackData = callbackData
    }
}

/// Per-call attributes, one row per call key, rewritten whole on each change.
public struct CallSessions {
    let connection: SQLiteConnection

    public func upsert(_ session: CallSessionRecord) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO call_sessions (call_key, direction, remote_number, remote_user_id, business_number,
                                           offered_at, answerer, offer_sdp, answer_sdp, callback_data, remote_username)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                ON CONFLICT (call_key) DO UPDATE SET
                    direction = excluded.direction, remote_number = excluded.remote_number,
                    remote_user_id = excluded.remote_user_id, business_number = excluded.business_number,
                    offered_at = excluded.offered_at, answerer = excluded.answerer,
                    offer_sdp = excluded.offer_sdp, answer_sdp = excluded.answer_sdp,
                    callback_data = excluded.callback_data, remote_username = excluded.remote_username
                """) {
                try $0.bind(1, session.callKey)
                try $0.bind(2, session.direction)
                try $0.bind(3, session.remoteNumber)
                try $0.bind(4, session.remoteUserId)
                try $0.bind(5, session.businessNumber)
                try $0.bind(6, session.offeredAt.unixMilliseconds)
                try $0.bind(7, session.answerer)
                try $0.bind(8, session.offerSDP)
                try $0.bind(9, session.answerSDP)
                try $0.bind(10, session.callbackData)
                try $0.bind(11, session.remoteUsername)
            }
        }
    }

    public func session(callKey: String) throws -> CallSessionRecord? {
        try connection.queryFirst("""
            SELECT call_key, direction, remote_number, remote_user_id, business_number, offered_at,
                   answerer, offer_sdp, answer_sdp, callback_data, remote_username
            FROM call_sessions WHERE call_key = ?1
            """, { try $0.bind(1, callKey) }) {
            CallSessionRecord(callKey: try $0.text(0), direction: try $0.text(1), remoteNumber: $0.optionalText(2),
                        remoteUserId: $0.optionalText(3), remoteUsername: $0.optionalText(10), businessNumber: try $0.text(4),
                        offeredAt: Instant(unixMilliseconds: try $0.int64(5)), answerer: $0.optionalText(6),
                        offerSDP: $0.optionalText(7), answerSDP: $0.optionalText(8),
                        callbackData: $0.optionalText(9))
        }
    }
}
