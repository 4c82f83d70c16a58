import Glibc
import Testing
@testable import Runtime

@Suite struct EventLoopTests {
    @Test func firesTimersInDeadlineOrderAndSkipsCancelledOnes() {
        let loop = EventLoop()
        var fired: [String] = []
        loop.schedule(afterMilliseconds: 30) { fired.append("c") }
        let cancelled = loop.schedule(afterMilliseconds: 10) { fired.append("cancelled") }
        loop.schedule(afterMilliseconds: 5) { fired.append("a") }
        loop.schedule(afterMilliseconds: 20) { fired.append("b") }
        loop.cancel(cancelled)
        #expect(turn(loop) { fired.count == 3 })
        #expect(fired == ["a", "b", "c"])
    }

    @Test func wakesFromAnotherThread() {
        let loop = EventLoop()
        var woke = false
        loop.addPreparation { nil }
        let thread = Thread { loop.wake() }
        thread.start()
        let started = MonotonicClock.milliseconds()
        loop.runOnce(maximumWait: 5_000)
        woke = MonotonicClock.milliseconds() - started < 4_000
        thread.join()
        #expect(woke)
    }

    @Test func deliversSignalsThroughTheLoop() {
        let loop = EventLoop()
        var received: [Int32] = []
        let watcher = SignalWatcher(loop: loop, signals: [SIGUSR1]) { received.append($0) }
        // Aimed at this thread: tests run in parallel and only this thread blocks SIGUSR1.
        pthread_kill(pthread_self(), SIGUSR1)
        #expect(turn(loop) { received == [SIGUSR1] })
        _ = watcher
    }
}

/// A plain pthread for the cross-thread wake test.
final class Thread {
    private var handle = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { context in
            let thread = Unmanaged<Thread>.fromOpaque(context!).takeRetainedValue()
            usleep(50_000)
            thread.body()
            return nil
        }, context)
    }

    func join() { pthread_join(handle, nil) }
}
