/// The rule that refuses a permission request or a business-initiated call.
public enum PermissionRule: String, Hashable, Sendable, CaseIterable {
    /// Meta §4.5: one request per 24 h (138009).
    case requestCooldown = "request_cooldown"
    /// Meta §4.5: at most `max_requests_per_week` requests in any 7 days (138009).
    case weeklyLimit = "weekly_limit"
    /// Meta §4.5: a request while a permanent permission exists is refused (138017).
    case permanentExists = "permanent_exists"
    /// Local: asking again while a temporary permission is valid spends a request for nothing.
    case alreadyTemporary = "already_temporary"
    /// Meta §3.2: no approved permission (138006).
    case noPermission = "no_permission"
    /// A request is out and the user has not replied.
    case awaitingReply = "awaiting_reply"
    /// The temporary permission lapsed (§4.5: 7 days).
    case expired
    /// The user declined the last request.
    case rejected
    /// Unanswered calls withdrew the permission (§4.5).
    case revoked
    /// Meta §4.5: at most 100 connected business-initiated calls per rolling 24 h (138012);
    /// only Meta counts them, so only its `call_permissions` answer applies this rule.
    case callLimit = "call_limit"

    /// The Graph error Meta would answer with, had the box asked.
    public var metaErrorCode: Int? {
        switch self {
        case .requestCooldown, .weeklyLimit: 138009
        case .permanentExists: 138017
        case .noPermission, .awaitingReply, .expired, .rejected, .revoked: 138006
        case .callLimit: 138012
        case .alreadyTemporary: nil
        }
    }

    /// One sentence for an agent, without the times (the refusal adds them).
    public var sentence: String {
        switch self {
        case .requestCooldown: "WhatsApp allows one call permission request per 24 hours."
        case .weeklyLimit: "WhatsApp allows only a few call permission requests in any 7 days."
        case .permanentExists: "This contact has already given permanent permission to call."
        case .alreadyTemporary: "This contact's permission to call is still valid."
        case .noPermission: "This contact has not given permission to call; send a permission request first."
        case .awaitingReply: "This contact has not yet answered the call permission request."
        case .expired: "This contact's temporary permission to call has expired; send a new request."
        case .rejected: "This contact declined the call permission request."
        case .revoked: "Permission to call was withdrawn after several unanswered calls; send a new request."
        case .callLimit: "WhatsApp's daily limit of connected calls to this contact is reached."
        }
    }
}

/// Why something was refused and when asking again could succeed.
public struct PermissionRefusal: Hashable, Sendable, CustomStringConvertible {
    public var rule: PermissionRule
    /// When the refusing limits will have passed; nil when only the user can change it.
    public var nextAllowed: Instant?

    public init(rule: PermissionRule, nextAllowed: Instant? = nil) {
        self.rule = rule
        self.nextAllowed = nextAllowed
    }

    /// One log line: `refused: request_cooldown (next allowed at 1767312000s)`.
    public var description: String {
        var line = "refused: \(rule.rawValue)"
        if let nextAllowed { line += " (next allowed at \(nextAllowed.unixSeconds)s)" }
        return line
    }
}

public enum PermissionDecision: Hashable, Sendable {
    case allowed
    case refused(PermissionRefusal)

    public var isAllowed: Bool { self == .allowed }

    public var refusal: PermissionRefusal? {
        if case .refused(let refusal) = self { return refusal }
        return nil
    }
}
