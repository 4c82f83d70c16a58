import CallCore
import HubSpot
import Testing
@testable import Callbox

private let now = Instant(unixSeconds: 1_767_225_600)

private func error(_ kind: HubSpotError.Kind, status: Int = 500, retryAfter: Int? = nil) -> HubSpotError {
    HubSpotError(kind: kind, httpStatus: status, message: "scripted", retryAfterSeconds: retryAfter)
}

@Suite struct OutboxRetryPolicyTests {
    @Test func theJitterCeilingDoublesFromTheBaseUpToTheCap() {
        #expect(OutboxRetryPolicy.backoffCeilingMilliseconds(afterAttempts: 1) == OutboxRetryPolicy.backoffBaseMilliseconds)
        #expect(OutboxRetryPolicy.backoffCeilingMilliseconds(afterAttempts: 2) == 2 * OutboxRetryPolicy.backoffBaseMilliseconds)
        #expect(OutboxRetryPolicy.backoffCeilingMilliseconds(afterAttempts: 5) == 16 * OutboxRetryPolicy.backoffBaseMilliseconds)
        #expect(OutboxRetryPolicy.backoffCeilingMilliseconds(afterAttempts: 40) == OutboxRetryPolicy.backoffCapMilliseconds)
    }

    @Test func fullJitterDrawsBetweenZeroAndTheCeiling() {
        var range: ClosedRange<Int64>?
        let decision = OutboxRetryPolicy.decide(after: error(.transport, status: 0), attempts: 3, mayExistBefore: false,
                                                createSentAt: nil, now: now) { range = $0; return $0.upperBound }
        #expect(range == 0...(4 * OutboxRetryPolicy.backoffBaseMilliseconds))
        #expect(decision == .retry(at: now + .milliseconds(4 * OutboxRetryPolicy.backoffBaseMilliseconds), mayExist: false))
    }

    @Test func retryAfterIsHonouredInsteadOfTheBackoffAndNeverParks() {
        let decision = OutboxRetryPolicy.decide(after: error(.rateLimited, status: 429, retryAfter: 7),
                                                attempts: OutboxRetryPolicy.maximumAttempts, mayExistBefore: false,
                                                createSentAt: now, now: now) { _ in 0 }
        #expect(decision == .rateLimited(until: now + .seconds(7), mayExist: false), "a 429 created nothing")
        let unsaid = OutboxRetryPolicy.decide(after: error(.rateLimited, status: 429), attempts: 2, mayExistBefore: true,
                                              createSentAt: nil, now: now) { $0.upperBound }
        #expect(unsaid == .rateLimited(until: now + .milliseconds(2 * OutboxRetryPolicy.backoffBaseMilliseconds), mayExist: true))
    }

    @Test func anAmbiguousCreateIsLookedUpOnceSearchCanSeeIt() {
        let sent = now - .seconds(2)
        let decision = OutboxRetryPolicy.decide(after: error(.serverError), attempts: 1, mayExistBefore: false,
                                                createSentAt: sent, now: now) { _ in 0 }
        #expect(decision == .retry(at: sent + .milliseconds(OutboxRetryPolicy.searchVisibilityMilliseconds), mayExist: true))
        let unreadable = OutboxRetryPolicy.decide(after: error(.malformedResponse, status: 201), attempts: 1, mayExistBefore: false,
                                                  createSentAt: sent, now: now) { _ in 0 }
        #expect(unreadable == .retry(at: sent + .milliseconds(OutboxRetryPolicy.searchVisibilityMilliseconds), mayExist: true))
    }

    @Test func aFailedLookupKeepsTheDoubtAndAFailureBeforeSendingAddsNone() {
        let lookup = OutboxRetryPolicy.decide(after: error(.serverError), attempts: 2, mayExistBefore: true,
                                              createSentAt: nil, now: now) { _ in 100 }
        #expect(lookup == .retry(at: now + .milliseconds(100), mayExist: true))
        var unsent = error(.transport, status: 0)
        unsent.reachedHubSpot = false
        let refused = OutboxRetryPolicy.decide(after: unsent, attempts: 1, mayExistBefore: false, createSentAt: now, now: now) { _ in 100 }
        #expect(refused == .retry(at: now + .milliseconds(100), mayExist: false))
    }

    @Test func aValidationRefusalIsParkedAtOnceWithItsReason() {
        let decision = OutboxRetryPolicy.decide(after: HubSpotError(kind: .rejected, httpStatus: 400, category: "VALIDATION_ERROR",
                                                                    message: "Property values were not valid"),
                                                attempts: 1, mayExistBefore: false, createSentAt: now, now: now)
        #expect(decision == .park(reason: "refused by HubSpot, not retried: HubSpot HTTP 400 VALIDATION_ERROR: Property values were not valid",
                                  mayExist: false))
    }

    @Test func anItemThatKeepsFailingIsParkedAfterTheLastAttempt() {
        let last = OutboxRetryPolicy.maximumAttempts
        #expect(OutboxRetryPolicy.decide(after: error(.auth, status: 401), attempts: last - 1, mayExistBefore: false,
                                         createSentAt: now, now: now) { _ in 0 } == .retry(at: now, mayExist: false))
        guard case let .park(reason, mayExist) = OutboxRetryPolicy.decide(after: error(.serverError), attempts: last,
                                                                           mayExistBefore: false, createSentAt: now, now: now) else {
            Issue.record("expected parking")
            return
        }
        #expect(reason.hasPrefix("gave up after \(last) attempts; last: HubSpot HTTP 500"))
        #expect(mayExist, "the last create may have worked: a requeue looks it up first")
    }
}
