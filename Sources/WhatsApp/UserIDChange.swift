/// A `user_id_update[]` item (spec §11.4): the user's BSUID changed (a new phone number means a
/// new BSUID). The box re-points everything kept under the old id to the new one. The same
/// change also arrives as a `system` message of type `user_changed_user_id`.
public struct UserIDChange: Sendable, Equatable {
    public var source: WebhookSource
    public var waID: String?
    public var previousUserID: String
    public var currentUserID: String
    public var previousParentUserID: String?
    public var currentParentUserID: String?
    public var detail: String?
    public var timestamp: Int64

    public init(source: WebhookSource, waID: String? = nil, previousUserID: String, currentUserID: String,
                previousParentUserID: String? = nil, currentParentUserID: String? = nil, detail: String? = nil, timestamp: Int64 = 0) {
        self.source = source
        self.waID = waID
        self.previousUserID = previousUserID
        self.currentUserID = currentUserID
        self.previousParentUserID = previousParentUserID
        self.currentParentUserID = currentParentUserID
        self.detail = detail
        self.timestamp = timestamp
    }

    /// Redeliveries of one change share the pair of ids.
    public var dedupKey: String { "user-id:\(previousUserID):\(currentUserID)" }

    static func decode(_ reader: FieldReader, source: WebhookSource) throws(WebhookDecodeError) -> UserIDChange {
        let item = try reader.object()
        let ids = try item["user_id"].object()
        let parent = try item["parent_user_id"].optionalObject()
        return UserIDChange(
            source: source,
            waID: try item["wa_id"].optionalPhone(),
            previousUserID: try ids["previous"].nonEmptyString(),
            currentUserID: try ids["current"].nonEmptyString(),
            previousParentUserID: try parent?["previous"].optionalString(),
            currentParentUserID: try parent?["current"].optionalString(),
            detail: try item["detail"].optionalString(),
            timestamp: try item["timestamp"].optionalInteger() ?? 0)
    }
}
