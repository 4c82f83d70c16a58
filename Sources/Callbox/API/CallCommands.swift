import CallCore
import Journal
import Runtime

/// What an agent or a script does to a call — dial, answer, decline, hang up, DTMF and
/// mute on the handset — shared by the agents' `/api/calls/…` and `/dev/calls/…`, answered
/// in `ErrorBody`'s shape.
final class CallCommands {
    private let calls: CallController
    /// `[whatsapp] business_number`, the caller id of outbound calls; nil when unset.
    private let businessNumber: PhoneNumber?
    /// The desk handset; nil on a box without one.
    weak var handset: HandsetController?

    init(calls: CallController, businessNumber: PhoneNumber?) {
        self.calls = calls
        self.businessNumber = businessNumber
    }

    func reference(_ key: String) -> CallRef? {
        if let id = CallId(key), calls.table.slot(for: id) != nil { return .id(id) }
        return calls.handle(forKey: key).map(CallRef.handle)
    }

    /// Answers with media elsewhere (a browser or an API client) using `sdp`.
    func answer(_ key: String, by answerer: Answerer, sdp: String) -> HTTPResponse {
        guard let call = reference(key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        return outcome(calls.handleNow(.answer(call, answerer), session: .answered(by: answerer, answerSDP: sdp)), key)
    }

    /// Answers on the desk handset with the box's own media.
    func answerOnHandset(_ key: String) -> HTTPResponse {
        guard let handset else { return ErrorBody.response(409, "no_handset", "this box has no handset ([box] board)") }
        guard let handle = calls.handle(forKey: key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        let result = handset.answer(handle)
        if result.handle == nil && result.refusal == nil {
            return ErrorBody.response(409, "handset_busy", "the handset cannot take the call now")
        }
        return outcome(result, key)
    }

    func command(_ key: String, _ event: (CallRef) -> CallEvent) -> HTTPResponse {
        guard let call = reference(key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        return outcome(calls.handleNow(event(call)), key)
    }

    /// RFC 4733 digits from the handset's call.
    func sendDigits(_ digits: String, on key: String) -> HTTPResponse {
        handsetCall(key) { $0.send(digits: digits, on: $1) ? nil : "the call has no telephone-event, or a character is not 0-9 * # A-D" }
    }

    /// The handset's microphone.
    func setMuted(_ muted: Bool, on key: String) -> HTTPResponse {
        handsetCall(key) { $0.setMuted(muted, on: $1) ? nil : "not on the handset" }
    }

    /// An action on the call the handset holds; `act` returns why it could not, or nil.
    private func handsetCall(_ key: String, _ act: (HandsetController, CallHandle) -> String?) -> HTTPResponse {
        guard let handset else { return ErrorBody.response(409, "no_handset", "this box has no handset ([box] board)") }
        guard let handle = calls.handle(forKey: key) else { return ErrorBody.response(404, "unknown_call", "no live call \(key)") }
        if let problem = act(handset, handle) { return ErrorBody.response(409, "refused", problem) }
        return .json(200, JSONWriter.encode(["call": .string(key)]))
    }

    /// A dial's result: the call, or the answer refusing it.
    enum Placement {
        case placed(CallHandle)
        case refused(HTTPResponse)
    }

    /// The box offers from the handset; the earpiece rings back.
    func dialOnHandset(_ to: WhatsAppUser) -> Placement {
        guard let handset else { return .refused(ErrorBody.response(409, "no_handset", "this box has no handset ([box] board)")) }
        return placed(handset.dial(to), refusedAs: "handset_busy")
    }

    /// A call whose media is elsewhere: `sdp` is its offer.
    func dial(_ to: WhatsAppUser, by caller: Answerer, sdp: String) -> Placement {
        guard let businessNumber else {
            return .refused(ErrorBody.response(409, "no_business_number", "[whatsapp] business_number is not set; calls cannot be placed"))
        }
        let result = calls.handleNow(.dial(Dial(to: to, from: businessNumber, by: caller)),
                                     session: SessionChange.opened(direction: .outbound, remote: to, business: businessNumber,
                                                                   offeredAt: Instant(unixMilliseconds: WallClock.milliseconds()),
                                                                   offerSDP: sdp, callerName: nil))
        return placed(result, refusedAs: "refused")
    }

    private func placed(_ result: CallEventResult, refusedAs code: String) -> Placement {
        if let refusal = result.permission { return .refused(PermissionEndpoints.refused(refusal, byMeta: false)) }
        guard let handle = result.handle, result.refusal == nil else {
            return .refused(ErrorBody.response(409, result.refusal?.reason.rawValue ?? code, "the call cannot be placed now"))
        }
        return .placed(handle)
    }

    /// `{"call", "state"}` for a call now.
    func describe(_ placement: Placement) -> HTTPResponse {
        switch placement {
        case let .refused(response):
            return response
        case let .placed(handle):
            let state = calls.table.slot(handle)?.state.name.rawValue ?? "failed"
            return .json(200, JSONWriter.encode(["call": .string(calls.key(of: handle) ?? CallKey.local(handle)), "state": .string(state)]))
        }
    }

    func outcome(_ result: CallEventResult, _ key: String) -> HTTPResponse {
        if let refusal = result.refusal {
            return ErrorBody.response(409, refusal.reason.rawValue,
                                      "\(refusal.event.rawValue) refused in state \(refusal.state.map { $0.name.rawValue } ?? "-")")
        }
        let state = result.handle.flatMap { calls.table.slot($0)?.state.name.rawValue } ?? "ended"
        let name = result.handle.flatMap { calls.key(of: $0) } ?? key
        return .json(200, JSONWriter.encode(["call": .string(name), "state": .string(state)]))
    }
}
