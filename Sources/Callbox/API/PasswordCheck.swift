import Runtime

/// Checks passwords off the event loop. One scrypt verification takes ~50 ms and 16 MiB
/// (`PasswordHasher`), which would stall every call and webhook if it ran on the loop, so
/// each runs on its own thread and its verdict comes back through a `LoopInbox`.
/// At most `maxRunning` run at once (memory), at most `maxWaiting` wait; beyond that a
/// sign-in is refused as busy rather than queued without bound.
final class PasswordCheck {
    /// Two cores on the target box; each check also holds 16 MiB while it runs.
    static let maxRunning = 2
    /// A roomful of agents signing in at nine o'clock, with headroom.
    static let maxWaiting = 16

    private struct Job {
        var password: String
        var stored: String
        var completion: (Bool) -> Void
    }

    private struct Verdict: Sendable {
        var id: Int
        var matches: Bool
    }

    private var verdicts: LoopInbox<Verdict>?
    private var running: [Int: (thread: OSThread, completion: (Bool) -> Void)] = [:]
    private var waiting: [Job] = []
    private var nextID = 0

    /// Create on the loop's thread: completions run there.
    init(loop: EventLoop) {
        verdicts = LoopInbox(loop: loop) { [weak self] verdict in self?.finish(verdict) }
    }

    /// Verifies `password` against `stored` and calls `completion` on the loop. False if the
    /// check could not even be queued (too many waiting); `completion` is then never called.
    func verify(_ password: String, against stored: String, completion: @escaping (Bool) -> Void) -> Bool {
        guard running.count < Self.maxRunning || waiting.count < Self.maxWaiting else { return false }
        waiting.append(Job(password: password, stored: stored, completion: completion))
        startWaiting()
        return true
    }

    private func startWaiting() {
        while running.count < Self.maxRunning, !waiting.isEmpty, let verdicts {
            let job = waiting.removeFirst()
            let id = nextID
            nextID += 1
            let password = job.password
            let stored = job.stored
            let thread = OSThread {
                verdicts.send(Verdict(id: id, matches: PasswordHasher.verify(password, against: stored)))
            }
            running[id] = (thread, job.completion)
            thread.start()
        }
    }

    private func finish(_ verdict: Verdict) {
        guard let job = running.removeValue(forKey: verdict.id) else { return }
        // The thread has sent its last word; joining frees it and waits only for its return.
        job.thread.join()
        job.completion(verdict.matches)
        startWaiting()
    }
}
