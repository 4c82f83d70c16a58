// Drives full call lifecycles through CallCore and counts heap allocations while it does:
// DESIGN §4 principle 2 says handling an event allocates nothing after start.
import AllocationCounter
import CallCore

/// Events in the measured phase (approximately: whole lifecycles are run).
let measuredEvents = 1_000_000
/// Events run before measuring, so lazy runtime setup is not counted.
let warmUpEvents = 20_000
/// Distinct call ids cycled through; more than the table's `recentlyEnded.capacity`, so an id is
/// forgotten before it comes back.
let idPool = 1_024

struct Driver {
    var table = CallTable(policy: CallPolicy())
    var actions = ActionBuffer()
    var now = Instant(unixSeconds: 1_767_225_600)
    var events = 0
    var checksum = 0
    var next = 0
    let ids: [CallId]
    let user = WhatsAppUser(phone: PhoneNumber("+34 600 111 222")!)
    let business = PhoneNumber("442071838750")!

    init() {
        ids = (0..<idPool).map { CallId("wacid.HBgLMzQ2MDAxMTEyMjIVAgASGCBBQjEy\($0)")! }
    }

    mutating func send(_ event: CallEvent) {
        now = now + .milliseconds(250)
        table.handle(event, at: now, into: &actions)
        events += 1
        checksum &+= actions.count
    }

    mutating func nextId() -> CallId {
        next = (next + 1) % ids.count
        return ids[next]
    }

    mutating func armedTimer(_ call: CallHandle) -> CallEvent {
        let timer = table.slot(call)!.timer!
        return .timerFired(TimerFired(call: call, kind: timer.kind, generation: timer.generation))
    }

    /// connect → answer → pre_accept ok → accept ok → media → media lost/back → duplicate
    /// connect → terminate webhook → late terminate.
    mutating func inbound() {
        let id = nextId()
        send(.incomingConnect(IncomingConnect(id: id, from: user, to: business, timestamp: now)))
        send(.answer(.id(id), .handset))
        send(.graphOutcome(GraphOutcome(call: id, action: .preAccept)))
        send(.graphOutcome(GraphOutcome(call: id, action: .accept(reusingPreAcceptSDP: true))))
        send(.mediaConnected(.id(id)))
        send(.mediaLost(.id(id)))
        send(.mediaConnected(.id(id)))
        send(.incomingConnect(IncomingConnect(id: id, from: user, to: business, timestamp: now)))
        send(.terminated(Termination(id: id, status: .completed, duration: .seconds(60))))
        send(.terminated(Termination(id: id, status: .completed)))
    }

    /// dial → connect response → RINGING → answer webhook → ACCEPTED → media → hang-up →
    /// terminate ok → terminate webhook.
    mutating func outbound() {
        let id = nextId()
        send(.dial(Dial(to: user, from: business, by: .browser(agent: 1))))
        guard case .graphConnect(let call, _, _)? = actions.first(where: { if case .graphConnect = $0 { true } else { false } }) else {
            fatalError("dial produced no connect")
        }
        send(.connectSucceeded(call, id))
        send(.status(id, .ringing))
        send(.remoteAnswer(id))
        send(.status(id, .accepted))
        send(.mediaConnected(.handle(call)))
        send(.hangup(.id(id)))
        send(.graphOutcome(GraphOutcome(call: id, action: .terminate)))
        send(.terminated(Termination(id: id, status: .completed)))
    }

    /// connect → ring timeout (reject + missed) → the same timer again (stale).
    mutating func missed() {
        let id = nextId()
        send(.incomingConnect(IncomingConnect(id: id, from: user, to: business, timestamp: now)))
        let call = table.slot(for: id)!.handle
        let fired = armedTimer(call)
        send(fired)
        send(fired)
    }

    mutating func run(until target: Int) {
        while events < target {
            inbound()
            outbound()
            missed()
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

@main struct CallCoreBenchMain {
    static func main() {
        var driver = Driver()
        driver.run(until: warmUpEvents)
        let warm = driver.events

        let clock = ContinuousClock()
        let allocationsBefore = allocation_count()
        let started = clock.now
        driver.run(until: warm + measuredEvents)
        let elapsed = clock.now - started
        let allocations = allocation_count() - allocationsBefore

        let handled = driver.events - warm
        let perEvent = Double(allocations) / Double(handled)
        print("CallCoreBench: max_calls \(driver.table.policy.maxCalls), action buffer \(driver.actions.capacity)")
        print("events handled:        \(handled)")
        print("heap allocations:      \(allocations)")
        print("allocations per event: \(perEvent)")
        print("events per second:     \(Int(Double(handled) / seconds(elapsed)))")
        print("ns per event:          \(Int(seconds(elapsed) * 1e9 / Double(handled)))")
        print("calls ended/missed:    \(driver.table.counters.calls(in: .ended))/\(driver.table.counters.calls(in: .missed))")
        print("refusals dup/recent/stale timer: \(driver.table.counters.refusals(.duplicateEvent))/\(driver.table.counters.refusals(.recentlyEnded))/\(driver.table.counters.refusals(.staleTimer))")
        print("checksum:              \(driver.checksum)")
    }
}
