@testable import CallCore

let inboundId = CallId("wacid.HBgLMzQ2MDAxMTEyMjIVAgASGCBBQjEy")!
let outboundId = CallId("wacid.HBgLMzQ2MDAxMTEyMjIVAgARGCBDRDM0")!
let user = WhatsAppUser(phone: PhoneNumber("34600111222")!)
let business = PhoneNumber("442071838750")!
let start = Instant(unixSeconds: 1_767_225_600)

/// A call table with a clock the test moves and a buffer it reads back.
struct Harness {
    var table: CallTable
    var actions = ActionBuffer()
    var now = start

    init(policy: CallPolicy = CallPolicy()) {
        table = CallTable(policy: policy)
    }

    @discardableResult
    mutating func send(_ event: CallEvent) -> [CallAction] {
        table.handle(event, at: now, into: &actions)
        return Array(actions)
    }

    mutating func advance(_ span: TimeSpan) {
        now = now + span
    }

    func slot(_ handle: CallHandle) -> CallSlot? { table.slot(handle) }

    /// An incoming connect stamped now.
    @discardableResult
    mutating func ringIn(_ id: CallId = inboundId) -> CallHandle {
        send(.incomingConnect(IncomingConnect(id: id, from: user, to: business, timestamp: now)))
        return table.slot(for: id)!.handle
    }

    @discardableResult
    mutating func dialOut(by: Answerer = .handset) -> CallHandle {
        table.dial(user, from: business, by: by, at: now, into: &actions)!
    }

    /// The timer the call has armed, as the daemon would report it firing.
    func firing(_ handle: CallHandle) -> CallEvent {
        let timer = table.slot(handle)!.timer!
        return .timerFired(TimerFired(call: handle, kind: timer.kind, generation: timer.generation))
    }
}

func incoming(_ id: CallId = inboundId, at timestamp: Instant = start) -> CallEvent {
    .incomingConnect(IncomingConnect(id: id, from: user, to: business, timestamp: timestamp))
}

func ok(_ id: CallId, _ action: GraphCallAction) -> CallEvent {
    .graphOutcome(GraphOutcome(call: id, action: action))
}

func failed(_ id: CallId, _ action: GraphCallAction, _ failure: GraphFailure) -> CallEvent {
    .graphOutcome(GraphOutcome(call: id, action: action, failure: failure))
}

extension Array where Element == CallAction {
    var refusals: [RefusalReason] {
        compactMap { if case .refuse(let refusal) = $0 { refusal.reason } else { nil } }
    }

    var records: [CallRecord] {
        compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    var graphRequests: [GraphCallAction] {
        compactMap { if case .graph(let request) = $0 { request.action } else { nil } }
    }

    var transitions: [Transition] {
        compactMap { if case .journal(let transition) = $0 { transition } else { nil } }
    }
}
