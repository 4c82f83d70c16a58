import Config
import Glibc
import Runtime
import Synchronization

/// What the audio thread has done so far in this call; read from any thread.
public struct AudioThreadCounters: Hashable, Sendable {
    public var periods = 0
    /// Capture xruns recovered (the microphone's data was not read in time).
    public var captureOverruns = 0
    /// Playback xruns recovered (the earpiece ran dry).
    public var playbackUnderruns = 0
    /// Periods that found a device suspended (either direction); recovered once it resumes.
    public var suspends = 0
    /// Periods lost because the device could not be recovered.
    public var failedPeriods = 0
    /// Periods whose work ran past the next period boundary.
    public var lateWakeups = 0
    /// The longest single period's work (capture, handler, playback), in microseconds.
    public var maxLoopMicroseconds = 0

    public var xruns: Int { captureOverruns + playbackUnderruns }
}

/// The real-time audio path of one handset call: a pthread that, one period at a time,
/// captures from the handset microphone, hands the period to the `AudioPathHandler`, asks
/// it for the earpiece's period and plays that (DESIGN principle 4: it talks to the loop
/// only through the handler's lock-free queues and the atomics here).
///
/// Owned by the event loop: `start`/`stop` from one thread; `isMuted`, `counters` and
/// `scheduling` are safe from any thread.
public final class AudioThread {
    public let format: PcmFormat
    public let pacing: AudioProfile.Pacing

    private let profile: AudioProfile
    private let handler: any AudioPathHandler
    private let logger: Logger
    private let shared = SharedState()
    private var running: (thread: pthread_t, run: Run)?

    public init(profile: AudioProfile, handler: any AudioPathHandler, logger: Logger = Logger("audio")) {
        self.profile = profile
        format = PcmFormat(profile)
        pacing = profile.pacing
        self.handler = handler
        self.logger = logger
    }

    deinit { stop() }

    public var isRunning: Bool { running != nil }

    /// While true, `captured` receives silence (the microphone is still read, so the
    /// device keeps its timing).
    public var isMuted: Bool {
        get { shared.muted.load(ordering: .relaxed) }
        set { shared.muted.store(newValue, ordering: .relaxed) }
    }

    public var counters: AudioThreadCounters { shared.snapshot() }

    /// How the running (or last) thread is scheduled; nil before it first ran.
    public var scheduling: ThreadScheduling? { shared.scheduling() }

    /// Opens both PCMs (so a missing device is reported here, to the caller) and starts the
    /// thread. Counters start from zero. Does nothing when already running.
    public func start() throws(HandsetError) {
        guard running == nil else { return }
        let capture = try AlsaPcm(device: profile.capture, direction: .capture, format: format)
        let playback = try AlsaPcm(device: profile.playback, direction: .playback, format: format)
        shared.reset()
        let run = Run(capture: capture, playback: playback, handler: handler, pacing: pacing, shared: shared, logger: logger)
        do {
            let thread = try HandsetThread.spawn(name: "callbox-audio") { run.loop() }
            running = (thread, run)
        } catch {
            run.close()
            throw error
        }
    }

    /// Stops the thread within one period, joins it and closes the PCMs.
    public func stop() {
        guard let (thread, run) = running else { return }
        shared.stopRequested.store(true, ordering: .releasing)
        HandsetThread.join(thread)
        run.close()
        running = nil
    }

    /// Flags and counters shared between the loop and the audio thread; all atomics.
    private final class SharedState: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let muted = Atomic<Bool>(false)
        let periods = Atomic<Int>(0)
        let captureOverruns = Atomic<Int>(0)
        let playbackUnderruns = Atomic<Int>(0)
        let suspends = Atomic<Int>(0)
        let failedPeriods = Atomic<Int>(0)
        let lateWakeups = Atomic<Int>(0)
        let maxLoopMicroseconds = Atomic<Int>(0)
        /// 0 not yet known, -1 normal, otherwise the SCHED_FIFO priority.
        let schedulingCode = Atomic<Int32>(0)

        func reset() {
            stopRequested.store(false, ordering: .relaxed)
            periods.store(0, ordering: .relaxed)
            captureOverruns.store(0, ordering: .relaxed)
            playbackUnderruns.store(0, ordering: .relaxed)
            suspends.store(0, ordering: .relaxed)
            failedPeriods.store(0, ordering: .relaxed)
            lateWakeups.store(0, ordering: .relaxed)
            maxLoopMicroseconds.store(0, ordering: .relaxed)
        }

        func snapshot() -> AudioThreadCounters {
            AudioThreadCounters(
                periods: periods.load(ordering: .relaxed),
                captureOverruns: captureOverruns.load(ordering: .relaxed),
                playbackUnderruns: playbackUnderruns.load(ordering: .relaxed),
                suspends: suspends.load(ordering: .relaxed),
                failedPeriods: failedPeriods.load(ordering: .relaxed),
                lateWakeups: lateWakeups.load(ordering: .relaxed),
                maxLoopMicroseconds: maxLoopMicroseconds.load(ordering: .relaxed))
        }

        func scheduling() -> ThreadScheduling? {
            switch schedulingCode.load(ordering: .relaxed) {
            case 0: nil
            case -1: .normal
            case let priority: .realTime(priority: priority)
            }
        }
    }

    /// Everything the audio thread touches while it runs.
    private final class Run: @unchecked Sendable {
        // @unchecked: the PCMs and buffers are used only by the audio thread between
        // `spawn` and `join`, and by the owner only before spawn and after join
        // (pthread_create and pthread_join order those accesses).
        let capture: AlsaPcm
        let playback: AlsaPcm
        let handler: any AudioPathHandler
        let pacing: AudioProfile.Pacing
        let shared: SharedState
        let logger: Logger
        let captured: UnsafeMutableBufferPointer<Int16>
        let rendered: UnsafeMutableBufferPointer<Int16>

        /// Silent periods queued before the first real one under device pacing, so one
        /// late period does not underrun the earpiece.
        static let playbackPrefillPeriods = AlsaPcm.playbackStartPeriods

        init(capture: AlsaPcm, playback: AlsaPcm, handler: any AudioPathHandler, pacing: AudioProfile.Pacing, shared: SharedState, logger: Logger) {
            self.capture = capture
            self.playback = playback
            self.handler = handler
            self.pacing = pacing
            self.shared = shared
            self.logger = logger
            captured = .allocate(capacity: capture.format.periodSamples)
            captured.initialize(repeating: 0)
            rendered = .allocate(capacity: playback.format.periodSamples)
            rendered.initialize(repeating: 0)
        }

        deinit {
            captured.deallocate()
            rendered.deallocate()
        }

        func close() {
            capture.close()
            playback.close()
        }

        func loop() {
            let scheduling = HandsetThread.raisePriority(HandsetThread.audioPriority, logger: logger)
            if case .realTime(let priority) = scheduling {
                shared.schedulingCode.store(priority, ordering: .relaxed)
            } else {
                shared.schedulingCode.store(-1, ordering: .relaxed)
            }
            let periodNanoseconds = capture.format.periodNanoseconds
            var clock = PeriodClock(periodNanoseconds: periodNanoseconds)
            if pacing == .device {
                rendered.update(repeating: 0)
                for _ in 0..<Self.playbackPrefillPeriods { playback.writePeriod(from: UnsafeBufferPointer(rendered)) }
            }
            while !shared.stopRequested.load(ordering: .acquiring) {
                let started = MonotonicClock.nanoseconds()
                let capturedPeriod = capture.readPeriod(into: captured)
                if shared.muted.load(ordering: .relaxed) { captured.update(repeating: 0) }
                handler.captured(UnsafeBufferPointer(captured))
                handler.render(into: rendered)
                let playedPeriod = playback.writePeriod(from: UnsafeBufferPointer(rendered))
                let finished = MonotonicClock.nanoseconds()
                publish(workedNanoseconds: finished - started)
                let late: Bool
                if pacing == .clock || !(capturedPeriod && playedPeriod) {
                    // A failed device (unplugged, still suspended) returns at once instead of
                    // blocking: the clock paces the retries so this real-time thread never spins.
                    late = clock.sleepUntilNextPeriod()
                } else {
                    clock.restart(at: finished)
                    late = finished - started > periodNanoseconds
                }
                if late { shared.lateWakeups.add(1, ordering: .relaxed) }
            }
        }

        private func publish(workedNanoseconds: Int64) {
            shared.periods.add(1, ordering: .relaxed)
            shared.captureOverruns.store(capture.overruns, ordering: .relaxed)
            shared.playbackUnderruns.store(playback.underruns, ordering: .relaxed)
            shared.suspends.store(capture.suspends + playback.suspends, ordering: .relaxed)
            shared.failedPeriods.store(capture.failures + playback.failures, ordering: .relaxed)
            shared.maxLoopMicroseconds.max(Int(workedNanoseconds / 1_000), ordering: .relaxed)
        }
    }
}
