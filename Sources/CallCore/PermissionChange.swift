/// Who caused a change to a permission record (the `permission_history.source` column).
public enum PermissionChangeSource: String, Hashable, Sendable, CaseIterable {
    /// The box applied one of its own rules (expiry).
    case localRule = "local_rule"
    /// An agent sent a permission request.
    case request
    /// The user's `call_permission_reply` (spec §4.3).
    case userReply = "user_reply"
    /// A `call_permission_reply` Meta sent on its own (`response_source: automatic`, spec §11.8):
    /// a callback grant after the user called, or the revocation after 4 unanswered calls.
    case metaAutomatic = "meta_automatic"
    /// Meta's `call_permissions` answer disagreed with the box (spec §4.4).
    case metaReconcile = "meta_reconcile"
    /// A call connected or went unanswered (spec §4.5).
    case callOutcome = "call_outcome"
}

/// What happened (the `permission_history.reason` column).
public enum PermissionChangeReason: String, Hashable, Sendable, CaseIterable {
    case requestSent = "request_sent"
    case grantedTemporary = "granted_temporary"
    case grantedPermanent = "granted_permanent"
    case declined
    case expired
    /// The user ignored the request for 7 days (§4.5).
    case requestExpired = "request_expired"
    /// A connected call cleared the request limits and the unanswered count (§4.5).
    case limitsReset = "limits_reset"
    case unansweredCall = "unanswered_call"
    case revokedAfterUnansweredCalls = "revoked_after_unanswered_calls"
    case metaNoPermission = "meta_no_permission"
    case metaTemporary = "meta_temporary"
    case metaPermanent = "meta_permanent"
}

/// One change to a contact's record, to be journalled with it.
public struct PermissionChange: Hashable, Sendable {
    public var at: Instant
    public var from: PermissionState
    public var to: PermissionState
    public var reason: PermissionChangeReason
    public var source: PermissionChangeSource

    public init(at: Instant, from: PermissionState, to: PermissionState,
                reason: PermissionChangeReason, source: PermissionChangeSource) {
        self.at = at
        self.from = from
        self.to = to
        self.reason = reason
        self.source = source
    }
}
