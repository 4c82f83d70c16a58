import Runtime

/// Why a CRM request did not succeed, in the terms the caller acts on: retry later (and
/// when), give up, or find out whether the write happened after all.
public struct HubSpotError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401/403: the token is missing, wrong or lacks a scope; an installer must act.
        case auth
        /// 429: HubSpot's rate limit; `retryAfterSeconds` when it said how long.
        case rateLimited
        /// 404: the object does not exist.
        case notFound
        /// 400/409/422: HubSpot refused the body; sending it again will not help.
        case rejected
        /// 5xx: HubSpot failed; the write may or may not have happened.
        case serverError
        /// No answer (timeout, connection reset): the write may or may not have happened.
        case transport
        /// A 2xx answer without what the request promises.
        case malformedResponse
    }

    public var kind: Kind
    /// 0 when no HTTP answer came back.
    public var httpStatus: Int
    /// HubSpot's `category` (e.g. `VALIDATION_ERROR`, `RATE_LIMITS`).
    public var category: String?
    public var message: String
    /// From a 429's `Retry-After` header (seconds), when present and sane.
    public var retryAfterSeconds: Int?

    /// A longer Retry-After is treated as this, so a confused proxy cannot park the outbox for days.
    public static let maximumRetryAfterSeconds = 3_600
    /// Longest raw body kept when the body is not HubSpot's error JSON.
    public static let maximumRawMessageLength = 512

    public init(kind: Kind, httpStatus: Int, category: String? = nil, message: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.category = category
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Reads a non-2xx answer: HubSpot's `{"status":"error","message","category"}` when it is
    /// one, the trimmed body otherwise.
    public init(response: HTTPClientResponse) {
        let document = try? JSONParser.parse(response.body)
        let message = document?["message"]?.string
            ?? String(String(decoding: response.body, as: UTF8.self).prefix(Self.maximumRawMessageLength))
        let kind: Kind
        switch response.status {
        case 401, 403: kind = .auth
        case 429: kind = .rateLimited
        case 404: kind = .notFound
        case 500...599: kind = .serverError
        default: kind = .rejected
        }
        var retryAfter: Int?
        if kind == .rateLimited, let header = response.header("Retry-After"), let seconds = Int(header.trimmed()), seconds >= 0 {
            retryAfter = min(seconds, Self.maximumRetryAfterSeconds)
        }
        self.init(kind: kind, httpStatus: response.status, category: document?["category"]?.string,
                  message: message, retryAfterSeconds: retryAfter)
    }

    public init(transport error: HTTPClientError) {
        self.init(kind: .transport, httpStatus: 0, message: error.description)
        reachedHubSpot = !error.certainlyNotSent
    }

    /// False only when the request certainly never left the box (no connection was made).
    public var reachedHubSpot = true

    /// Whether the write may have happened although no success came back, so the caller
    /// must look before writing again (the outbox's idempotency rule).
    public var isAmbiguous: Bool { (kind == .transport && reachedHubSpot) || kind == .serverError }

    public var description: String {
        var text = "HubSpot HTTP \(httpStatus)"
        if httpStatus == 0 { text = "HubSpot unreachable" }
        if let category { text += " \(category)" }
        text += ": \(message)"
        if let retryAfterSeconds { text += " (retry after \(retryAfterSeconds)s)" }
        return text
    }
}
