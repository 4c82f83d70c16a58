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
        let waker = loop.waker
        let thread = OSThread {
            usleep(50_000)
            waker.wake()
        }
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

@Suite struct LoopInboxTests {
    @Test func deliversMessagesFromOtherThreadsOnTheLoopInOrder() {
        let loop = EventLoop()
        var received: [Int] = []
        let inbox = LoopInbox<Int>(loop: loop) { received.append($0) }
        let sender = OSThread {
            for value in 0..<1_000 { inbox.send(value) }
        }
        sender.start()
        #expect(turn(loop) { received.count == 1_000 })
        sender.join()
        #expect(received == Array(0..<1_000))
    }
}

@Suite struct EventLoopStopTests {
    @Test func aStopFromAPreparationEndsRunWithoutSleeping() {
        let loop = EventLoop()
        var stopNow = false
        loop.addPreparation {
            if stopNow { loop.stop() }
            return nil
        }
        loop.schedule(afterMilliseconds: 10) { stopNow = true }
        let started = MonotonicClock.milliseconds()
        loop.run()
        #expect(MonotonicClock.milliseconds() - started < 1_000)
    }
}
