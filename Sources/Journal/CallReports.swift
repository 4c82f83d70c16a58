import CallCore

/// What Meta reports about a call beside its state: the errors it gave, in its own words
/// (spec §11.3), and the recording or transcript it has ready (spec §11.1, fetched by the
/// recordings work). Keyed by the call's wacid, whether or not the box holds a call record
/// for it: a recording can arrive after the call's record, and an error before it.
public struct CallReports {
    let connection: SQLiteConnection

    public struct MetaErrorRow: Equatable, Sendable {
        public var event: String
        public var code: Int64
        public var title: String?
        public var message: String?
        public var details: String?

        public init(event: String, code: Int64, title: String? = nil, message: String? = nil, details: String? = nil) {
            self.event = event
            self.code = code
            self.title = title
            self.message = message
            self.details = details
        }

        /// What an agent reads: Meta's most specific words first.
        public var text: String {
            let words = details ?? message ?? title ?? "no description"
            return "\(words) (Meta error \(code))"
        }
    }

    public enum MediaKind: String, Sendable { case recording, transcript }

    public struct MediaRow: Equatable, Sendable {
        public var kind: MediaKind
        public var mediaID: String
        public var sha256: String?
        public var mimeType: String?
        public var url: String?
        public var userPhone: String?
        public var userID: String?

        public init(kind: MediaKind, mediaID: String, sha256: String? = nil, mimeType: String? = nil, url: String? = nil,
                    userPhone: String? = nil, userID: String? = nil) {
            self.kind = kind
            self.mediaID = mediaID
            self.sha256 = sha256
            self.mimeType = mimeType
            self.url = url
            self.userPhone = userPhone
            self.userID = userID
        }
    }

    public func recordError(callID: String, _ error: MetaErrorRow, at time: Instant) throws {
        _ = try connection.execute("""
            INSERT INTO call_errors (call_id, event, code, title, message, details, received_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """) {
            try $0.bind(1, callID)
            try $0.bind(2, error.event)
            try $0.bind(3, error.code)
            try $0.bind(4, error.title)
            try $0.bind(5, error.message)
            try $0.bind(6, error.details)
            try $0.bind(7, time.unixMilliseconds)
        }
    }

    public func errors(callID: String) throws -> [MetaErrorRow] {
        try connection.query("SELECT event, code, title, message, details FROM call_errors WHERE call_id = ?1 ORDER BY id") {
            try $0.bind(1, callID)
        } row: {
            MetaErrorRow(event: try $0.text(0), code: try $0.int64(1), title: $0.optionalText(2), message: $0.optionalText(3),
                         details: $0.optionalText(4))
        }
    }

    /// A newer notice for the same call and kind replaces the older (Meta's URL lives 5 minutes).
    public func recordMedia(callID: String, _ media: MediaRow, at time: Instant) throws {
        _ = try connection.execute("""
            INSERT INTO call_media (call_id, kind, media_id, sha256, mime_type, url, user_phone, user_id, received_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (call_id, kind) DO UPDATE SET media_id = excluded.media_id, sha256 = excluded.sha256,
                mime_type = excluded.mime_type, url = excluded.url, received_at = excluded.received_at
            """) {
            try $0.bind(1, callID)
            try $0.bind(2, media.kind.rawValue)
            try $0.bind(3, media.mediaID)
            try $0.bind(4, media.sha256)
            try $0.bind(5, media.mimeType)
            try $0.bind(6, media.url)
            try $0.bind(7, media.userPhone)
            try $0.bind(8, media.userID)
            try $0.bind(9, time.unixMilliseconds)
        }
    }

    public func media(callID: String) throws -> [MediaRow] {
        try connection.query("""
            SELECT kind, media_id, sha256, mime_type, url, user_phone, user_id FROM call_media WHERE call_id = ?1 ORDER BY kind
            """) {
            try $0.bind(1, callID)
        } row: {
            MediaRow(kind: MediaKind(rawValue: try $0.text(0)) ?? .recording, mediaID: try $0.text(1), sha256: $0.optionalText(2),
                     mimeType: $0.optionalText(3), url: $0.optionalText(4), userPhone: $0.optionalText(5), userID: $0.optionalText(6))
        }
    }
}
