import CallCore
import WhatsApp

/// Meta's `call_permissions` answer (spec §4.4) read as the box's rules: the permission it
/// reports, and the limits it says are exhausted, each named by the rule that matches.
extension CallPermissionState {
    static let requestAction = "send_call_permission_request"
    static let callAction = "start_call"

    /// The permission as the policy reconciles it; nil for a status this build does not know.
    /// Meta omits the expiry only by mistake; the box's own expiry is kept then, or the
    /// configured validity from now.
    func metaStatus(current: PermissionState, validity: TimeSpan, now: Instant) -> PermissionMetaStatus? {
        switch status {
        case .noPermission: return .noPermission
        case .permanent: return .permanent
        case .temporary:
            if let expirationTime { return .temporary(expires: Instant(unixSeconds: expirationTime)) }
            return .temporary(expires: current.expires ?? now + validity)
        case .other: return nil
        }
    }

    /// Why Meta would refuse a permission request now, or nil.
    var requestRefusal: PermissionRefusal? {
        if status == .permanent { return PermissionRefusal(rule: .permanentExists) }
        guard let action = action(Self.requestAction), !action.canPerformAction else { return nil }
        let exhausted = action.limits.filter { $0.currentUsage >= $0.maxAllowed }
        // The limit that frees last decides when a request is allowed again.
        guard let binding = exhausted.max(by: { ($0.limitExpirationTime ?? 0) < ($1.limitExpirationTime ?? 0) }) else {
            return PermissionRefusal(rule: .requestCooldown)
        }
        // The one-request-per-24-hours limit (§4.4); any other exhausted request limit is the weekly one.
        return PermissionRefusal(rule: binding.isOneDay ? .requestCooldown : .weeklyLimit,
                                 nextAllowed: binding.limitExpirationTime.map(Instant.init(unixSeconds:)))
    }

    /// Why Meta would refuse a call it otherwise permits (its daily connected-call cap), or nil.
    var callLimitRefusal: PermissionRefusal? {
        guard status != .noPermission, let action = action(Self.callAction), !action.canPerformAction else { return nil }
        let release = action.limits.compactMap(\.limitExpirationTime).max()
        return PermissionRefusal(rule: .callLimit, nextAllowed: release.map(Instant.init(unixSeconds:)))
    }
}
