import CShims
import Glibc

/// Readiness a file descriptor is watched for, or reported with.
public struct IOEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public static let readable = IOEvents(rawValue: Int16(POLLIN))
    public static let writable = IOEvents(rawValue: Int16(POLLOUT))
}

/// The one thread that owns the box's state (DESIGN principle 4): a poll(2) loop over
/// the HTTP server, the HTTP client's sockets, signals and hook inputs, with timers on
/// the monotonic clock. Everything registered here runs on the loop's thread, one
/// callback at a time, so no call state needs a lock.
public final class EventLoop {
    public struct TimerID: Hashable, Sendable {
        fileprivate let raw: UInt64
    }

    /// Work that must happen before the loop sleeps, e.g. committing a batch of webhook
    /// deliveries or letting libmicrohttpd act on resumed connections. Returns how long
    /// the loop may sleep at most before calling it again (nil: no limit of its own).
    public typealias Preparation = () -> Int64?

    private struct Watch {
        var events: IOEvents
        var handler: (IOEvents) -> Void
    }

    private var watches: [Int32: Watch] = [:]
    private var timers = TimerQueue()
    private var preparations: [Preparation] = []
    private var stopRequested = false
    /// Written by other threads (the audio thread, later) to wake poll(2).
    private let wakeDescriptor: Int32

    public init() {
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        watch(wakeDescriptor, for: .readable) { [wakeDescriptor] _ in
            var counter: UInt64 = 0
            _ = read(wakeDescriptor, &counter, MemoryLayout<UInt64>.size)
        }
    }

    deinit { close(wakeDescriptor) }

    public func watch(_ descriptor: Int32, for events: IOEvents, _ handler: @escaping (IOEvents) -> Void) {
        watches[descriptor] = Watch(events: events, handler: handler)
    }

    public func changeWatch(_ descriptor: Int32, to events: IOEvents) {
        watches[descriptor]?.events = events
    }

    public func unwatch(_ descriptor: Int32) {
        watches[descriptor] = nil
    }

    @discardableResult
    public func schedule(afterMilliseconds delay: Int64, _ action: @escaping () -> Void) -> TimerID {
        TimerID(raw: timers.schedule(at: MonotonicClock.milliseconds() + max(0, delay), action))
    }

    public func cancel(_ timer: TimerID) {
        timers.cancel(timer.raw)
    }

    public func addPreparation(_ preparation: @escaping Preparation) {
        preparations.append(preparation)
    }

    /// Safe from any thread: makes a sleeping poll(2) return.
    public func wake() {
        waker.wake()
    }

    /// What another thread keeps to wake this loop (the loop itself is not Sendable).
    public struct Waker: Sendable {
        fileprivate let descriptor: Int32

        public func wake() {
            var one: UInt64 = 1
            _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
        }
    }

    public var waker: Waker { Waker(descriptor: wakeDescriptor) }

    /// Makes `run()` return after the current iteration.
    public func stop() {
        stopRequested = true
    }

    public func run() {
        stopRequested = false
        while !stopRequested { runOnce(maximumWait: -1) }
    }

    /// One iteration: prepare, sleep in poll(2) until I/O or the next deadline (at most
    /// `maximumWait` ms when that is not negative), dispatch I/O, then due timers.
    public func runOnce(maximumWait: Int64) {
        var wait = maximumWait
        func limit(_ candidate: Int64) {
            let bounded = max(0, candidate)
            wait = wait < 0 ? bounded : min(wait, bounded)
        }
        for preparation in preparations {
            if let bound = preparation() { limit(bound) }
        }
        if let deadline = timers.nextDeadline() { limit(deadline - MonotonicClock.milliseconds()) }
        // A preparation may have stopped the loop: finish this turn without sleeping.
        if stopRequested { wait = 0 }

        var descriptors = watches.map { pollfd(fd: $0.key, events: $0.value.events.rawValue, revents: 0) }
        let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: wait))
        if ready > 0 {
            for entry in descriptors where entry.revents != 0 {
                guard let watch = watches[entry.fd] else { continue }
                // An error or hang-up is reported as readable so the owner's read sees it.
                var events = IOEvents(rawValue: entry.revents & watch.events.rawValue)
                if entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { events.insert(.readable) }
                watch.handler(events)
            }
        }
        for action in timers.takeDue(now: MonotonicClock.milliseconds()) { action() }
    }
}
