import CallCore

/// How a call is named in the journal: Meta's `wacid.…` once known, before that (an
/// outbound call whose `connect` has not returned) `local:<slot>.<generation>`.
enum CallKey {
    static let localPrefix = "local:"

    static func local(_ handle: CallHandle) -> String { localPrefix + handle.description }

    static func isLocal(_ key: String) -> Bool { key.hasPrefix(localPrefix) }
}

extension Answerer {
    /// The journal's and the call record's spelling.
    var journalName: String {
        switch self {
        case .handset: "handset"
        case let .browser(agent): "browser:\(agent)"
        case .api: "api"
        }
    }

    init?(journalName: String) {
        switch journalName {
        case "handset": self = .handset
        case "api": self = .api
        default:
            guard journalName.hasPrefix("browser:"), let agent = UInt8(journalName.dropFirst("browser:".count)) else { return nil }
            self = .browser(agent: agent)
        }
    }
}

extension EndReason {
    var journalName: String {
        switch self {
        case .remoteHangup: "remote_hangup"
        case .remoteFailure: "remote_failure"
        case .remoteRejected: "remote_rejected"
        case .localHangup: "local_hangup"
        case .localDecline: "local_decline"
        case .ringTimeout: "ring_timeout"
        case .answerTimeout: "answer_timeout"
        case .noMedia: "no_media"
        case .dialTimeout: "dial_timeout"
        case let .graphFailure(failure): "graph_failure:\(failure.journalName)"
        case .lostInRestart: "lost_in_restart"
        }
    }
}

extension GraphFailure {
    var journalName: String {
        switch self {
        case .auth: "auth"
        case .rateLimited: "rate_limited"
        case .noPermission: "no_permission"
        case .invalidSDP: "invalid_sdp"
        case .duplicateCall: "duplicate_call"
        case .alreadyEnded: "already_ended"
        case .ambiguous: "ambiguous"
        case let .other(code): "other_\(code)"
        }
    }
}
