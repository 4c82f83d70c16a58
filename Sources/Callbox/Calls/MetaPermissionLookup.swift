import CallCore
import WhatsApp

/// `GET call_permissions` (spec §4.4) within Meta's limit of 5 requests per second (613,
/// HTTP 429): answers stay fresh in a small per-user cache for a few seconds, lookups of
/// the same user in flight share one request, and beyond the limit Meta is not asked at
/// all. On the event loop.
final class MetaPermissionLookup {
    /// Spec §4.4: 5 `call_permissions` requests per 1-second window.
    static let requestsPerWindow = 5
    static let window = TimeSpan.seconds(1)
    /// How long an answer stands in for Meta: long enough that a widget's validate after a
    /// status costs nothing, short enough that a grant made on the phone shows up at once.
    static let freshness = TimeSpan.seconds(10)
    /// Users whose answers are kept; the oldest goes first.
    static let cachedUsers = 256

    /// Why Meta's view is not part of an answer.
    enum Unavailable: Error, Equatable, CustomStringConvertible {
        /// `[whatsapp]` has no phone number id for this Graph API.
        case notConfigured
        /// The box held back (the per-second limit), or Meta answered 613.
        case rateLimited
        /// No answer, or an error answer: the text says which.
        case failed(String)

        var description: String {
            switch self {
            case .notConfigured: "WhatsApp is not configured; answered from the box's ledger"
            case .rateLimited: "Meta's limit of 5 permission checks per second was reached; answered from the box's ledger"
            case let .failed(why): "Meta could not be asked (\(why)); answered from the box's ledger"
            }
        }
    }

    typealias Completion = (Result<CallPermissionState, Unavailable>) -> Void

    private let graph: GraphClient?
    private let number: BusinessNumber
    private let clock: () -> Instant
    private var answers: [String: (at: Instant, state: CallPermissionState)] = [:]
    private var waiting: [String: [Completion]] = [:]
    /// When the requests of the current window went out, oldest first.
    private var sent: [Instant] = []
    /// After Meta's own 613 nothing is sent before this.
    private var pausedUntil: Instant?

    init(graph: GraphClient?, number: BusinessNumber, clock: @escaping () -> Instant) {
        self.graph = graph
        self.number = number
        self.clock = clock
    }

    /// What Meta says about `whatsAppUser`, from the cache when fresh.
    func lookUp(_ whatsAppUser: WhatsAppUser, completion: @escaping Completion) {
        let user = whatsAppUser.description
        let now = clock()
        if let cached = answers[user], now < cached.at + Self.freshness {
            completion(.success(cached.state))
            return
        }
        guard let graph else {
            completion(.failure(.notConfigured))
            return
        }
        if waiting[user] != nil {
            waiting[user]?.append(completion)
            return
        }
        sent.removeAll { now >= $0 + Self.window }
        if let pausedUntil, now < pausedUntil {
            completion(.failure(.rateLimited))
            return
        }
        guard sent.count < Self.requestsPerWindow else {
            completion(.failure(.rateLimited))
            return
        }
        sent.append(now)
        waiting[user] = [completion]
        graph.callPermissions(.callPermissions(number, for: whatsAppUser)) { [weak self] result in
            guard let self else { return }
            let outcome: Result<CallPermissionState, Unavailable>
            switch result {
            case let .success(state):
                remember(state, for: user)
                outcome = .success(state)
            case let .failure(.graph(error)) where error.code == 613 || error.httpStatus == 429:
                pausedUntil = clock() + Self.window
                outcome = .failure(.rateLimited)
            case let .failure(failure):
                outcome = .failure(.failed(failure.description))
            }
            for completion in waiting.removeValue(forKey: user) ?? [] { completion(outcome) }
        }
    }

    /// Drops what is cached for `user`: the box just changed it (a request, a reply).
    func forget(_ user: WhatsAppUser) {
        answers[user.description] = nil
    }

    /// Meta's answer, if one is cached and fresh, for decisions that cannot wait for Meta.
    func cached(_ user: WhatsAppUser) -> CallPermissionState? {
        guard let cached = answers[user.description], clock() < cached.at + Self.freshness else { return nil }
        return cached.state
    }

    private func remember(_ state: CallPermissionState, for user: String) {
        if answers[user] == nil, answers.count >= Self.cachedUsers,
           let oldest = answers.min(by: { $0.value.at < $1.value.at })?.key {
            answers[oldest] = nil
        }
        answers[user] = (clock(), state)
    }
}
