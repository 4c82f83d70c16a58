import CallCore
import HubSpot

/// What the outbox does after a failed attempt: when to try again, or give up (park). Pure,
/// so every branch is tested with a fixed clock and a fixed "random" draw.
struct OutboxRetryPolicy {
    /// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
    /// Jitter"): the n-th retry waits a uniform draw in 0 ... min(cap, base · 2^(n-1)), so
    /// boxes and items recovering together do not retry in step.
    static let backoffBaseMilliseconds: Int64 = 2_000
    /// Fifteen minutes: a HubSpot outage is noticed within that once it ends.
    static let backoffCapMilliseconds: Int64 = 900_000
    /// Attempts before an item is parked: with the base and cap above, about an hour of
    /// failures on average, long enough to ride out an outage, short enough to be seen.
    static let maximumAttempts = 16
    /// HubSpot's search finds a new object only after a delay ("several seconds", spec §9.4),
    /// so a lookup after an ambiguous create waits this long after that create went out.
    static let searchVisibilityMilliseconds: Int64 = 10_000

    enum Decision: Equatable {
        /// Try again at this time; `mayExist` says whether to look the object up first.
        case retry(at: Instant, mayExist: Bool)
        /// Give up until requeued; `mayExist` as for `retry`, kept for that retry.
        case park(reason: String, mayExist: Bool)
        /// HubSpot's rate limit, which is the portal's, not the item's: every delivery waits
        /// until then, and the attempt does not count towards parking.
        case rateLimited(until: Instant, mayExist: Bool)
    }

    /// The ceiling of the jitter draw for the retry after `attempts` attempts.
    static func backoffCeilingMilliseconds(afterAttempts attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 30)
        return min(backoffCapMilliseconds, backoffBaseMilliseconds << Int64(doublings))
    }

    /// `attempts` counts the one that just failed; `mayExistBefore` is what earlier attempts
    /// left; `createSentAt` is when this attempt's create went out, if it got that far.
    static func decide(after error: HubSpotError, attempts: Int, mayExistBefore: Bool, createSentAt: Instant?, now: Instant,
                       draw: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Decision {
        // A create that reached HubSpot but whose answer was lost or unreadable may have
        // made the object; a refusal, a rate limit or a request that never left did not.
        let ambiguous = createSentAt != nil && (error.isAmbiguous || error.kind == .malformedResponse)
        let mayExist = mayExistBefore || ambiguous
        if error.kind == .rejected {
            return .park(reason: "refused by HubSpot, not retried: \(error)", mayExist: mayExist)
        }
        if error.kind == .rateLimited {
            let delay = error.retryAfterSeconds.map { Int64($0) * 1_000 } ?? draw(0...backoffCeilingMilliseconds(afterAttempts: attempts))
            return .rateLimited(until: now + .milliseconds(delay), mayExist: mayExist)
        }
        if attempts >= maximumAttempts {
            return .park(reason: "gave up after \(attempts) attempts; last: \(error)", mayExist: mayExist)
        }
        var next = now + .milliseconds(draw(0...backoffCeilingMilliseconds(afterAttempts: attempts)))
        if ambiguous, let createSentAt {
            next = max(next, createSentAt + .milliseconds(searchVisibilityMilliseconds))
        }
        return .retry(at: next, mayExist: mayExist)
    }
}
