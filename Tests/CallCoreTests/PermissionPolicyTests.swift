import Testing
@testable import CallCore

private let t0 = Instant(unixSeconds: 1_767_225_600)
private let policy = PermissionPolicy()

private func refusal(_ decision: PermissionDecision) -> PermissionRefusal? { decision.refusal }

@Suite struct PermissionRequestTests {
    @Test func defaultsAreMetasProductionRules() {
        let rules = PermissionRules()
        #expect(rules.requestCooldown == .hours(24))
        #expect(rules.maxRequestsPerWeek == 2)
        #expect(rules.temporaryValidity == .hours(168))
        #expect(rules.revokeAfterMissed == 4)
    }

    @Test func aNewContactMayBeAsked() {
        #expect(policy.mayRequest(PermissionRecord(updatedAt: t0), now: t0) == .allowed)
    }

    @Test func theCooldownEndsAtExactly24Hours() {
        var record = PermissionRecord(updatedAt: t0)
        let change = policy.recordRequest(&record, now: t0)
        #expect(change == PermissionChange(at: t0, from: .none, to: .requested, reason: .requestSent, source: .request))
        #expect(record.state == .requested)
        let early = policy.mayRequest(record, now: t0 + .hours(24) - .seconds(1))
        #expect(early == .refused(PermissionRefusal(rule: .requestCooldown, nextAllowed: t0 + .hours(24))))
        #expect(refusal(early)?.rule.metaErrorCode == 138009)
        #expect(policy.mayRequest(record, now: t0 + .hours(24)) == .allowed)
    }

    @Test func theWeeklyLimitIsASlidingWindow() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        _ = policy.recordRequest(&record, now: t0 + .days(2))
        // The cooldown has passed, but two requests are in the last 7 days.
        let third = policy.mayRequest(record, now: t0 + .days(3))
        #expect(third == .refused(PermissionRefusal(rule: .weeklyLimit, nextAllowed: t0 + .days(7))))
        #expect(policy.mayRequest(record, now: t0 + .days(7) - .milliseconds(1)).refusal?.rule == .weeklyLimit)
        #expect(policy.mayRequest(record, now: t0 + .days(7)) == .allowed)
        _ = policy.recordRequest(&record, now: t0 + .days(7))
        // The second request still holds a slot until day 9.
        #expect(policy.mayRequest(record, now: t0 + .days(8) + .hours(1))
                == .refused(PermissionRefusal(rule: .weeklyLimit, nextAllowed: t0 + .days(9))))
        #expect(record.requestTimes == [t0 + .days(2), t0 + .days(7)])
    }

    @Test func twoRequestsSixDaysApartHoldTheThirdUntilTheFirstLeavesTheWindow() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        _ = policy.recordRequest(&record, now: t0 + .days(6))
        let refused = policy.mayRequest(record, now: t0 + .days(7) - .seconds(1))
        #expect(refused.refusal?.nextAllowed == t0 + .days(7))
        #expect(policy.mayRequest(record, now: t0 + .days(7)) == .allowed)
    }

    @Test func theLaterLimitIsNamedWhenBothRefuse() {
        let rules = PermissionRules(requestCooldown: .days(3))
        var record = PermissionRecord(updatedAt: t0)
        _ = PermissionPolicy(rules: rules).recordRequest(&record, now: t0)
        _ = PermissionPolicy(rules: rules).recordRequest(&record, now: t0 + .days(5))
        // Weekly frees at day 7, the cooldown only at day 8.
        #expect(PermissionPolicy(rules: rules).mayRequest(record, now: t0 + .days(6))
                == .refused(PermissionRefusal(rule: .requestCooldown, nextAllowed: t0 + .days(8))))
    }

    @Test func aPermanentPermissionRefusesRequests() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: true, expiration: nil, now: t0)
        let decision = policy.mayRequest(record, now: t0 + .days(30))
        #expect(decision == .refused(PermissionRefusal(rule: .permanentExists)))
        #expect(decision.refusal?.rule.metaErrorCode == 138017)
    }

    @Test func aValidTemporaryPermissionRefusesRequestsUntilItExpires() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: false, expiration: t0 + .days(3), now: t0)
        #expect(policy.mayRequest(record, now: t0 + .days(1))
                == .refused(PermissionRefusal(rule: .alreadyTemporary, nextAllowed: t0 + .days(3))))
        #expect(policy.mayRequest(record, now: t0 + .days(3)) == .allowed)
    }

    @Test func requestTimesStayBoundedByTheWindow() {
        let rules = PermissionRules(requestCooldown: .zero, maxRequestsPerWeek: 100)
        var record = PermissionRecord(updatedAt: t0)
        for hour in 0..<(24 * 30) {
            _ = PermissionPolicy(rules: rules).recordRequest(&record, now: t0 + .hours(Int64(hour)))
        }
        #expect(record.requestTimes.count == PermissionRules.maxTrackedRequests)
        #expect(record.requestTimes.last == t0 + .hours(24 * 30 - 1))
    }

    @Test func everyRuleHasASentenceAndAMachineName() {
        for rule in PermissionRule.allCases {
            #expect(!rule.sentence.isEmpty)
            #expect(rule.rawValue.allSatisfy { $0.isLowercase || $0 == "_" })
        }
        #expect(PermissionRefusal(rule: .requestCooldown, nextAllowed: t0).description
                == "refused: request_cooldown (next allowed at 1767225600s)")
    }
}

@Suite struct PermissionReplyTests {
    @Test func aTemporaryAcceptUsesMetasExpiration() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        let change = policy.recordReply(&record, accepted: true, permanent: false,
                                        expiration: Instant(unixSeconds: 1_767_831_300), now: t0 + .minutes(5))
        #expect(change == PermissionChange(at: t0 + .minutes(5), from: .requested,
                                           to: .temporary(expires: Instant(unixSeconds: 1_767_831_300)),
                                           reason: .grantedTemporary, source: .userReply))
        #expect(record.updatedAt == t0 + .minutes(5))
    }

    @Test func aTemporaryAcceptWithoutExpirationLastsTheConfiguredValidity() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: false, expiration: nil, now: t0)
        #expect(record.state == .temporary(expires: t0 + .days(7)))
    }

    @Test func aRejectBlocksCalls() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        let change = policy.recordReply(&record, accepted: false, permanent: false, expiration: nil, now: t0 + .hours(1))
        #expect(change.to == .rejected && change.reason == .declined)
        #expect(policy.mayCall(record, now: t0 + .hours(2)) == .refused(PermissionRefusal(rule: .rejected)))
        // Declining does not lift the limits: the next request waits for the cooldown.
        #expect(policy.mayRequest(record, now: t0 + .hours(2)).refusal?.rule == .requestCooldown)
    }
}

@Suite struct PermissionCallTests {
    @Test func callsNeedAGrant() {
        var record = PermissionRecord(updatedAt: t0)
        #expect(policy.mayCall(record, now: t0) == .refused(PermissionRefusal(rule: .noPermission)))
        #expect(policy.mayCall(record, now: t0).refusal?.rule.metaErrorCode == 138006)
        _ = policy.recordRequest(&record, now: t0)
        #expect(policy.mayCall(record, now: t0) == .refused(PermissionRefusal(rule: .awaitingReply)))
        _ = policy.recordReply(&record, accepted: true, permanent: true, expiration: nil, now: t0)
        #expect(policy.mayCall(record, now: t0 + .days(400)) == .allowed)
    }

    @Test func aTemporaryPermissionExpires() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: false, expiration: nil, now: t0)
        #expect(policy.mayCall(record, now: t0 + .days(7) - .milliseconds(1)) == .allowed)
        #expect(policy.mayCall(record, now: t0 + .days(7)) == .refused(PermissionRefusal(rule: .expired)))
        #expect(policy.expire(&record, now: t0 + .days(7) - .milliseconds(1)) == nil)
        let change = policy.expire(&record, now: t0 + .days(7))
        #expect(change == PermissionChange(at: t0 + .days(7), from: .temporary(expires: t0 + .days(7)), to: .none,
                                           reason: .expired, source: .localRule))
        #expect(policy.mayCall(record, now: t0 + .days(7)) == .refused(PermissionRefusal(rule: .noPermission)))
    }

    @Test func anIgnoredRequestLapsesAfterSevenDays() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        #expect(policy.expire(&record, now: t0 + .days(7) - .seconds(1)) == nil)
        let change = policy.expire(&record, now: t0 + .days(7))
        #expect(change == PermissionChange(at: t0 + .days(7), from: .requested, to: .none,
                                           reason: .requestExpired, source: .localRule))
        #expect(policy.mayCall(record, now: t0 + .days(7)) == .refused(PermissionRefusal(rule: .noPermission)))
    }

    @Test(arguments: [PermissionState.none, .permanent, .rejected, .revoked, .temporary(expires: t0 + .days(1))])
    func expiryLeavesOtherStatesAlone(state: PermissionState) {
        var record = PermissionRecord(state: state, updatedAt: t0)
        #expect(policy.expire(&record, now: t0 + .hours(1)) == nil)
        #expect(record.state == state)
    }

    @Test func fourUnansweredBusinessCallsRevoke() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: true, expiration: nil, now: t0)
        for call in 1...3 {
            let change = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(Int64(call)))
            #expect(change?.reason == .unansweredCall && change?.to == .permanent)
            #expect(policy.mayCall(record, now: t0 + .hours(Int64(call))) == .allowed)
        }
        #expect(record.consecutiveUnanswered == 3)
        let fourth = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(4))
        #expect(fourth == PermissionChange(at: t0 + .hours(4), from: .permanent, to: .revoked,
                                           reason: .revokedAfterUnansweredCalls, source: .callOutcome))
        #expect(policy.mayCall(record, now: t0 + .hours(4)) == .refused(PermissionRefusal(rule: .revoked)))
        #expect(policy.mayRequest(record, now: t0 + .hours(4)) == .allowed)
    }

    @Test func theConfiguredMissedCountRevokes() {
        let strict = PermissionPolicy(rules: PermissionRules(revokeAfterMissed: 2))
        var record = PermissionRecord(updatedAt: t0)
        _ = strict.recordReply(&record, accepted: true, permanent: false, expiration: nil, now: t0)
        #expect(strict.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(1))?.reason == .unansweredCall)
        let second = strict.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(2))
        #expect(second?.reason == .revokedAfterUnansweredCalls && record.state == .revoked)
    }

    @Test func unansweredCallsWithoutAGrantRevokeNothing() {
        var record = PermissionRecord(state: .rejected, updatedAt: t0)
        for call in 1...4 {
            _ = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(Int64(call)))
        }
        #expect(record.state == .rejected && record.consecutiveUnanswered == 4)
    }

    @Test func aConnectedCallResetsTheCountAndTheRequestLimits() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: false, expiration: nil, now: t0)
        for call in 1...3 {
            _ = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(Int64(call)))
        }
        let reset = policy.recordCallOutcome(&record, direction: .inbound, connected: true, now: t0 + .hours(5))
        #expect(reset == PermissionChange(at: t0 + .hours(5), from: .temporary(expires: t0 + .days(7)),
                                          to: .temporary(expires: t0 + .days(7)), reason: .limitsReset, source: .callOutcome))
        #expect(record.consecutiveUnanswered == 0 && record.requestTimes.isEmpty)
        _ = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(6))
        #expect(record.state.name == .temporary)
        #expect(policy.recordCallOutcome(&record, direction: .outbound, connected: true, now: t0 + .hours(7)) != nil)
        #expect(policy.recordCallOutcome(&record, direction: .outbound, connected: true, now: t0 + .hours(8)) == nil)
    }

    @Test func aConnectedCallLiftsTheRequestCooldown() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        #expect(policy.mayRequest(record, now: t0 + .hours(1)).refusal?.rule == .requestCooldown)
        _ = policy.recordCallOutcome(&record, direction: .inbound, connected: true, now: t0 + .hours(1))
        #expect(policy.mayRequest(record, now: t0 + .hours(1)) == .allowed)
    }

    @Test func aMissedUserCallCountsForNothing() {
        var record = PermissionRecord(updatedAt: t0)
        #expect(policy.recordCallOutcome(&record, direction: .inbound, connected: false, now: t0) == nil)
        #expect(record.consecutiveUnanswered == 0)
    }
}

@Suite struct PermissionReconcileTests {
    @Test func metaRemovesAGrantTheBoxBelievedIn() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: true, expiration: nil, now: t0)
        let change = policy.reconcile(&record, withMeta: .noPermission, now: t0 + .days(1))
        #expect(change == PermissionChange(at: t0 + .days(1), from: .permanent, to: .none,
                                           reason: .metaNoPermission, source: .metaReconcile))
        #expect(policy.mayCall(record, now: t0 + .days(1)).refusal?.rule == .noPermission)
    }

    @Test func metaGrantsWhatTheBoxMissed() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordRequest(&record, now: t0)
        let temporary = policy.reconcile(&record, withMeta: .temporary(expires: t0 + .days(6)), now: t0 + .hours(2))
        #expect(temporary?.from == .requested && temporary?.to == .temporary(expires: t0 + .days(6)))
        #expect(policy.mayCall(record, now: t0 + .hours(2)) == .allowed)
        let permanent = policy.reconcile(&record, withMeta: .permanent, now: t0 + .hours(3))
        #expect(permanent?.from == .temporary(expires: t0 + .days(6)) && permanent?.reason == .metaPermanent)
    }

    @Test func metaRestoresARevokedPermissionWithAFreshCount() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: true, expiration: nil, now: t0)
        for call in 1...4 {
            _ = policy.recordCallOutcome(&record, direction: .outbound, connected: false, now: t0 + .hours(Int64(call)))
        }
        #expect(record.state == .revoked)
        #expect(policy.reconcile(&record, withMeta: .permanent, now: t0 + .hours(5))?.from == .revoked)
        #expect(record.consecutiveUnanswered == 0)
    }

    @Test func metaCorrectsAnExpiry() {
        var record = PermissionRecord(updatedAt: t0)
        _ = policy.recordReply(&record, accepted: true, permanent: false, expiration: nil, now: t0)
        let change = policy.reconcile(&record, withMeta: .temporary(expires: t0 + .days(3)), now: t0 + .hours(1))
        #expect(change?.from == .temporary(expires: t0 + .days(7)))
        #expect(record.state == .temporary(expires: t0 + .days(3)))
    }

    @Test(arguments: [
        (PermissionState.none, PermissionMetaStatus.noPermission),
        (.requested, .noPermission), (.rejected, .noPermission), (.revoked, .noPermission),
        (.permanent, .permanent), (.temporary(expires: t0 + .days(1)), .temporary(expires: t0 + .days(1))),
    ])
    func agreementChangesNothing(state: PermissionState, meta: PermissionMetaStatus) {
        var record = PermissionRecord(state: state, updatedAt: t0)
        #expect(policy.reconcile(&record, withMeta: meta, now: t0 + .hours(1)) == nil)
        #expect(record == PermissionRecord(state: state, updatedAt: t0))
    }
}
