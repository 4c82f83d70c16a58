import CShims
import Glibc
import Runtime

/// What scheduling a handset thread ended up with.
public enum ThreadScheduling: Hashable, Sendable {
    /// SCHED_FIFO at this priority.
    case realTime(priority: Int32)
    /// SCHED_OTHER: real-time scheduling was not permitted (no CAP_SYS_NICE, RLIMIT_RTPRIO too low).
    case normal
}

/// The pthreads the handset runs beside the event loop (the audio thread, the ringer).
enum HandsetThread {
    /// SCHED_FIFO priority for the audio thread: above every normal task so a busy loop
    /// (TLS handshakes, SQLite commits) cannot delay a period, and within the systemd
    /// unit's `LimitRTPRIO=20`.
    static let audioPriority: Int32 = 20

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `run` on a new joinable pthread named `name` (at most 15 characters, the kernel's limit).
    static func spawn(name: String, _ run: @escaping @Sendable () -> Void) throws(HandsetError) -> pthread_t {
        let body = Unmanaged.passRetained(Body {
            _ = cb_thread_set_name(name)
            run()
        })
        var thread = pthread_t()
        let code = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, body.toOpaque())
        guard code == 0 else {
            body.release()
            throw HandsetError.system("cannot start thread \(name)", code: code)
        }
        return thread
    }

    static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }

    /// Moves the calling thread to SCHED_FIFO at `priority`, or leaves it on normal
    /// scheduling with a notice when that is not permitted; reports what it got.
    static func raisePriority(_ priority: Int32, logger: Logger) -> ThreadScheduling {
        var parameters = sched_param()
        parameters.sched_priority = priority
        let code = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        guard code == 0 else {
            logger.notice("real-time scheduling not permitted; audio runs with normal scheduling",
                          ["priority": String(priority), "reason": String(cString: strerror(code))])
            return .normal
        }
        var policy: Int32 = 0
        var granted = sched_param()
        _ = pthread_getschedparam(pthread_self(), &policy, &granted)
        return policy == SCHED_FIFO ? .realTime(priority: granted.sched_priority) : .normal
    }
}

/// Paces a thread on CLOCK_MONOTONIC when the PCMs do not (`pacing = clock`, or a device
/// that fails at once instead of blocking): period boundaries are absolute, so the loop's
/// own running time does not make it drift.
struct PeriodClock {
    let periodNanoseconds: Int64
    private var next: Int64

    init(periodNanoseconds: Int64, start: Int64 = MonotonicClock.nanoseconds()) {
        self.periodNanoseconds = periodNanoseconds
        next = start
    }

    /// Counts periods from `now` again (a device paced the last one).
    mutating func restart(at now: Int64 = MonotonicClock.nanoseconds()) {
        next = now
    }

    /// Sleeps until the next period boundary. Returns true when that boundary had already
    /// passed (the period overran). A whole period or more behind, the clock starts again
    /// from now rather than running the missed periods back to back.
    mutating func sleepUntilNextPeriod() -> Bool {
        next += periodNanoseconds
        let now = MonotonicClock.nanoseconds()
        if now >= next + periodNanoseconds {
            next = now
            return true
        }
        if now > next { return true }
        var deadline = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
        return false
    }
}
