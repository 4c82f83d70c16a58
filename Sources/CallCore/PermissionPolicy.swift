/// Meta's call-permission rules (whatsapp-cloud-api.md §4), applied to one contact's record.
/// Pure: every method takes the time and returns a decision or the change it made, which
/// the caller journals (`PermissionLedger`) before acting on it.
public struct PermissionPolicy: Hashable, Sendable {
    public var rules: PermissionRules

    public init(rules: PermissionRules = PermissionRules()) {
        self.rules = rules
    }

    // MARK: Requests

    /// Whether a permission request may be sent now. A refusal names the rule that binds
    /// longest and the first instant at which every limit has passed.
    public func mayRequest(_ record: PermissionRecord, now: Instant) -> PermissionDecision {
        switch record.state {
        case .permanent:
            return .refused(PermissionRefusal(rule: .permanentExists))
        case .temporary(let expires) where now < expires:
            let limits = limitRefusal(record, now: now)
            if let limits, let next = limits.nextAllowed, next > expires { return .refused(limits) }
            return .refused(PermissionRefusal(rule: .alreadyTemporary, nextAllowed: expires))
        default:
            if let limits = limitRefusal(record, now: now) { return .refused(limits) }
            return .allowed
        }
    }

    /// The 24-hour cooldown and the rolling weekly limit; both only ease as time passes, so
    /// the later of their release times is when a request is allowed again.
    private func limitRefusal(_ record: PermissionRecord, now: Instant) -> PermissionRefusal? {
        var refusal: PermissionRefusal?
        if let last = record.requestTimes.last, now < last + rules.requestCooldown {
            refusal = PermissionRefusal(rule: .requestCooldown, nextAllowed: last + rules.requestCooldown)
        }
        let inWindow = record.requestTimes.filter { now < $0 + PermissionRules.requestWindow }
        if inWindow.count >= rules.maxRequestsPerWeek {
            // The window frees a slot when enough of the oldest requests have left it.
            let release = inWindow[inWindow.count - rules.maxRequestsPerWeek] + PermissionRules.requestWindow
            if release > refusal?.nextAllowed ?? now {
                refusal = PermissionRefusal(rule: .weeklyLimit, nextAllowed: release)
            }
        }
        return refusal
    }

    /// A request went out (Meta accepted it). Records its time; a contact without a valid
    /// permission now awaits the reply.
    public func recordRequest(_ record: inout PermissionRecord, now: Instant) -> PermissionChange {
        record.requestTimes.removeAll { now >= $0 + PermissionRules.requestWindow }
        if record.requestTimes.count >= PermissionRules.maxTrackedRequests {
            record.requestTimes.removeFirst(record.requestTimes.count - PermissionRules.maxTrackedRequests + 1)
        }
        record.requestTimes.append(now)
        let next: PermissionState = record.state.grants(at: now) ? record.state : .requested
        return change(&record, to: next, reason: .requestSent, source: .request, now: now)
    }

    // MARK: Replies

    /// The user's `call_permission_reply` (spec §4.3). A temporary grant lasts until Meta's
    /// `expiration_timestamp`, or `temporary_validity` from now when it is missing. `automatic`
    /// marks Meta's own replies (spec §11.8): a reject then is Meta revoking the permission
    /// after unanswered calls, not the user declining.
    public func recordReply(_ record: inout PermissionRecord, accepted: Bool, permanent: Bool,
                            expiration: Instant?, automatic: Bool = false, now: Instant) -> PermissionChange {
        let source: PermissionChangeSource = automatic ? .metaAutomatic : .userReply
        guard accepted else {
            if automatic {
                return change(&record, to: .revoked, reason: .revokedAfterUnansweredCalls, source: source, now: now)
            }
            return change(&record, to: .rejected, reason: .declined, source: source, now: now)
        }
        record.consecutiveUnanswered = 0
        if permanent {
            return change(&record, to: .permanent, reason: .grantedPermanent, source: source, now: now)
        }
        let expires = expiration ?? now + rules.temporaryValidity
        return change(&record, to: .temporary(expires: expires), reason: .grantedTemporary, source: source, now: now)
    }

    /// Turns a lapsed temporary permission, or a request ignored for 7 days (§4.5), into
    /// none; nil when nothing lapsed.
    public func expire(_ record: inout PermissionRecord, now: Instant) -> PermissionChange? {
        switch record.state {
        case .temporary(let expires) where now >= expires:
            return change(&record, to: .none, reason: .expired, source: .localRule, now: now)
        case .requested:
            // A connected call clears the request times; the state change then dates the request.
            let sent = record.requestTimes.last ?? record.updatedAt
            guard now >= sent + PermissionRules.unansweredRequestLifetime else { return nil }
            return change(&record, to: .none, reason: .requestExpired, source: .localRule, now: now)
        default:
            return nil
        }
    }

    // MARK: Calls

    /// Whether a business-initiated call may be placed now: only under a permanent or an
    /// unexpired temporary permission (spec §3.2, 138006).
    public func mayCall(_ record: PermissionRecord, now: Instant) -> PermissionDecision {
        switch record.state {
        case .permanent: return .allowed
        case .temporary(let expires): return now < expires ? .allowed : .refused(PermissionRefusal(rule: .expired))
        case .none: return .refused(PermissionRefusal(rule: .noPermission))
        case .requested: return .refused(PermissionRefusal(rule: .awaitingReply))
        case .rejected: return .refused(PermissionRefusal(rule: .rejected))
        case .revoked: return .refused(PermissionRefusal(rule: .revoked))
        }
    }

    /// How a call with the contact ended (spec §4.5). A connected call in either direction
    /// resets the request limits and the unanswered count; an unanswered or rejected
    /// business-initiated call counts towards revocation. Nil when nothing changed (an
    /// unanswered user-initiated call, or a connected call with nothing to reset).
    public func recordCallOutcome(_ record: inout PermissionRecord, direction: CallDirection,
                                  connected: Bool, now: Instant) -> PermissionChange? {
        if connected {
            guard !record.requestTimes.isEmpty || record.consecutiveUnanswered != 0 else { return nil }
            record.requestTimes.removeAll()
            record.consecutiveUnanswered = 0
            return change(&record, to: record.state, reason: .limitsReset, source: .callOutcome, now: now)
        }
        guard direction == .outbound else { return nil }
        record.consecutiveUnanswered += 1
        if record.consecutiveUnanswered >= rules.revokeAfterMissed, record.state.grants(at: now) {
            return change(&record, to: .revoked, reason: .revokedAfterUnansweredCalls, source: .callOutcome, now: now)
        }
        return change(&record, to: record.state, reason: .unansweredCall, source: .callOutcome, now: now)
    }

    // MARK: Meta

    /// Meta's `call_permissions` status wins (spec §4.4). Returns the correction, whose
    /// `from` is what the box believed, or nil when the box agreed. No permission at Meta
    /// agrees with every state that grants nothing; a grant at Meta replaces any other.
    public func reconcile(_ record: inout PermissionRecord, withMeta status: PermissionMetaStatus,
                          now: Instant) -> PermissionChange? {
        switch status {
        case .noPermission:
            guard record.state.name == .temporary || record.state == .permanent else { return nil }
            return change(&record, to: .none, reason: .metaNoPermission, source: .metaReconcile, now: now)
        case .temporary(let expires):
            guard record.state != .temporary(expires: expires) else { return nil }
            if !record.state.grants(at: now) { record.consecutiveUnanswered = 0 }
            return change(&record, to: .temporary(expires: expires), reason: .metaTemporary, source: .metaReconcile, now: now)
        case .permanent:
            guard record.state != .permanent else { return nil }
            if !record.state.grants(at: now) { record.consecutiveUnanswered = 0 }
            return change(&record, to: .permanent, reason: .metaPermanent, source: .metaReconcile, now: now)
        }
    }

    private func change(_ record: inout PermissionRecord, to next: PermissionState, reason: PermissionChangeReason,
                        source: PermissionChangeSource, now: Instant) -> PermissionChange {
        let change = PermissionChange(at: now, from: record.state, to: next, reason: reason, source: source)
        record.state = next
        record.updatedAt = now
        return change
    }
}
