/// The call actions of `POST /<PHONE_NUMBER_ID>/calls` that name an existing call (spec §3).
public enum GraphCallAction: Hashable, Sendable {
    case preAccept
    /// When `reusingPreAcceptSDP` is set the daemon must send the byte-identical SDP it sent
    /// in pre_accept: Meta refuses an accept whose SDP differs (spec §3.1).
    case accept(reusingPreAcceptSDP: Bool)
    case reject
    case terminate

    /// The `action` field of the request body.
    public var wireName: String {
        switch self {
        case .preAccept: "pre_accept"
        case .accept: "accept"
        case .reject: "reject"
        case .terminate: "terminate"
        }
    }
}

/// A Graph request for the daemon to send.
public struct GraphRequest: Hashable, Sendable {
    public var call: CallId
    /// Nil only for a call the box refused without giving it a slot (table full).
    public var handle: CallHandle?
    public var action: GraphCallAction

    public init(call: CallId, handle: CallHandle?, action: GraphCallAction) {
        self.call = call
        self.handle = handle
        self.action = action
    }
}

/// What a Graph error means for a call, reduced from `code`/HTTP status (spec §8).
public enum GraphFailure: Hashable, Sendable {
    /// 0, 190, 138000: the token or the number's calling setup is wrong.
    case auth
    /// 4, 80007, 130429, 138002, 138005.
    case rateLimited
    /// 138006: no approved call permission.
    case noPermission
    /// 100 with SDP details, or a pre_accept/accept SDP mismatch.
    case invalidSDP
    /// 138003: a call with this user is already ongoing.
    case duplicateCall
    /// The call was already ended, rejected or terminated at Meta.
    case alreadyEnded
    /// Transport error or timeout: the request may or may not have taken effect.
    case ambiguous
    case other(code: Int32)
}

/// What the daemon reports back after sending a `GraphRequest`. Every request gets exactly
/// one outcome; transport errors and timeouts are `.failure(.ambiguous)`.
public struct GraphOutcome: Hashable, Sendable {
    public var call: CallId
    public var action: GraphCallAction
    public var failure: GraphFailure?

    public init(call: CallId, action: GraphCallAction, failure: GraphFailure? = nil) {
        self.call = call
        self.action = action
        self.failure = failure
    }
}
