import Config
import Glibc
import Runtime
import Testing
@testable import Handset

/// Records what the microphone gave and plays a steady tone, as a call's handler would
/// encode and decode.
final class RecordingHandler: AudioPathHandler, @unchecked Sendable {
    // @unchecked: the audio thread alone touches the fields while it runs; the test reads
    // them after `stop()` has joined it.
    var captured: [Int16] = []
    var periodsRendered = 0
    /// When the audio thread handed over its first and latest periods (CLOCK_MONOTONIC, ns).
    var firstCapture: Int64 = 0
    var lastCapture: Int64 = 0
    var tone: ToneGenerator
    /// Render call (0-based) that sleeps `stallMilliseconds` first, to overrun the buffer.
    let stallAt: Int?
    let stallMilliseconds: Int

    init(toneFrequency: Double, stallAt: Int? = nil, stallMilliseconds: Int = 0) {
        tone = ToneGenerator(cadence: ToneCadence(frequencies: [toneFrequency], pattern: []), rate: AudioFiles.rate)
        self.stallAt = stallAt
        self.stallMilliseconds = stallMilliseconds
        captured.reserveCapacity(AudioFiles.rate * 3)
    }

    func captured(_ frame: UnsafeBufferPointer<Int16>) {
        lastCapture = MonotonicClock.nanoseconds()
        if captured.isEmpty { firstCapture = lastCapture }
        captured.append(contentsOf: frame)
    }

    func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        if periodsRendered == stallAt { sleepMilliseconds(stallMilliseconds) }
        periodsRendered += 1
        tone.render(into: frame)
    }
}

@Suite struct AudioThreadTests {
    static let micFrequency = 1_000.0
    static let micAmplitude = 10_000.0
    static let speakerFrequency = 440.0
    /// 0.1 s: whole cycles of both 1 kHz and 440 Hz at 48 kHz.
    static let window = 4_800

    @Test func capturesTheMicrophoneAndPlaysTheRenderedToneOnePeriodAtATime() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        AudioFiles.write(AudioFiles.sine(frequency: Self.micFrequency, amplitude: Self.micAmplitude, samples: AudioFiles.rate * 3),
                         to: directory.file("mic.raw"))
        let handler = RecordingHandler(toneFrequency: Self.speakerFrequency)
        let thread = AudioThread(profile: profile.audio, handler: handler)
        #expect(thread.format == PcmFormat(rate: 48_000, channels: 1, periodFrames: 960, bufferFrames: 3_840))

        try thread.start()
        sleepMilliseconds(1_000)
        let counters = thread.counters
        thread.stop()
        let final = thread.counters

        // Clock pacing: one period at once, then one per 20 ms boundary, as the audio
        // thread itself saw the time (the test thread may be scheduled late on a busy box).
        let expected = Int((handler.lastCapture - handler.firstCapture) / 20_000_000) + 1
        #expect(abs(final.periods - expected) <= 1, "periods \(final.periods), expected \(expected)")
        #expect(final.periods >= 50 && final.periods >= counters.periods, "a second of 20 ms periods")
        #expect(final.xruns == 0 && final.failedPeriods == 0)
        #expect(handler.captured.count == final.periods * 960)
        #expect(handler.periodsRendered == final.periods)

        let captured = handler.captured[...]
        for start in stride(from: 0, to: captured.count - Self.window, by: Self.window) {
            let window = captured[(captured.startIndex + start)..<(captured.startIndex + start + Self.window)]
            #expect(abs(AudioFiles.amplitude(of: Self.micFrequency, in: window) - Self.micAmplitude) < Self.micAmplitude * 0.01)
            #expect(AudioFiles.amplitude(of: Self.speakerFrequency, in: window) < 100)
        }

        let speaker = AudioFiles.read(directory.file("speaker.raw"))
        #expect(speaker.count == final.periods * 960)
        let level = Double(ToneGenerator.defaultLevel)
        for start in stride(from: 0, to: speaker.count - Self.window, by: Self.window) {
            let window = speaker[start..<(start + Self.window)]
            #expect(abs(AudioFiles.amplitude(of: Self.speakerFrequency, in: window) - level) < level * 0.01)
            #expect(AudioFiles.amplitude(of: Self.micFrequency, in: window) < 100)
        }
    }

    @Test func mutedCaptureHandsSilenceToTheHandler() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        AudioFiles.write(AudioFiles.sine(frequency: Self.micFrequency, amplitude: Self.micAmplitude, samples: AudioFiles.rate),
                         to: directory.file("mic.raw"))
        let handler = RecordingHandler(toneFrequency: Self.speakerFrequency)
        let thread = AudioThread(profile: profile.audio, handler: handler)
        thread.isMuted = true
        try thread.start()
        sleepMilliseconds(200)
        thread.stop()
        #expect(thread.counters.periods > 0)
        #expect(!handler.captured.isEmpty)
        #expect(AudioFiles.peak(handler.captured[...]) == 0)
    }

    @Test func aStalledPeriodIsCountedAndTheThreadCarriesOnWithoutBursting() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        AudioFiles.write([], to: directory.file("mic.raw"))
        // One period longer than the 80 ms buffer.
        let stall = 100
        let handler = RecordingHandler(toneFrequency: Self.speakerFrequency, stallAt: 5, stallMilliseconds: stall)
        let thread = AudioThread(profile: profile.audio, handler: handler)
        let started = MonotonicClock.nanoseconds()
        try thread.start()
        sleepMilliseconds(600)
        thread.stop()
        let elapsed = MonotonicClock.nanoseconds() - started
        let counters = thread.counters
        #expect(counters.lateWakeups >= 1)
        #expect(counters.maxLoopMicroseconds >= stall * 1_000)
        #expect(counters.periods > 6, "the thread went on after the stall")
        // The missed periods are skipped, not run back to back.
        let unstalled = Int(elapsed / 20_000_000) + 1
        #expect(counters.periods <= unstalled - 3, "periods \(counters.periods)")
        // An empty microphone file reads as silence.
        #expect(AudioFiles.peak(handler.captured[...]) == 0)
    }

    @Test func stopsWithinOnePeriodAndCanStartAgain() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        AudioFiles.write([], to: directory.file("mic.raw"))
        let thread = AudioThread(profile: profile.audio, handler: RecordingHandler(toneFrequency: Self.speakerFrequency))
        try thread.start()
        #expect(thread.isRunning)
        sleepMilliseconds(100)
        let stopping = MonotonicClock.nanoseconds()
        thread.stop()
        // One period, plus slack for the test thread's own wake-up on a busy box.
        #expect(MonotonicClock.nanoseconds() - stopping < 40_000_000)
        #expect(!thread.isRunning)
        try thread.start()
        sleepMilliseconds(50)
        thread.stop()
        #expect(thread.counters.periods >= 2 && thread.counters.periods <= 5)
    }

    @Test func usesRealTimeSchedulingWhenPermittedAndFallsBackOtherwise() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        AudioFiles.write([], to: directory.file("mic.raw"))
        let thread = AudioThread(profile: profile.audio, handler: RecordingHandler(toneFrequency: Self.speakerFrequency))
        #expect(thread.scheduling == nil)
        try thread.start()
        sleepMilliseconds(60)
        thread.stop()
        if Self.realTimePermitted() {
            #expect(thread.scheduling == .realTime(priority: HandsetThread.audioPriority))
        } else {
            #expect(thread.scheduling == .normal)
        }
        #expect(thread.counters.periods > 0)
    }

    @Test func aMissingCaptureFileIsReportedByStart() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let profile = AudioFiles.simulatedProfile(in: directory)
        let thread = AudioThread(profile: profile.audio, handler: RecordingHandler(toneFrequency: Self.speakerFrequency))
        #expect(throws: HandsetError.self) { try thread.start() }
        #expect(!thread.isRunning)
    }

    /// Asks the kernel directly, on a throwaway thread, whether SCHED_FIFO at the audio priority is allowed.
    static func realTimePermitted() -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_EXPLICIT_SCHED))
        pthread_attr_setschedpolicy(&attributes, SCHED_FIFO)
        var parameters = sched_param()
        parameters.sched_priority = HandsetThread.audioPriority
        pthread_attr_setschedparam(&attributes, &parameters)
        var probe = pthread_t()
        guard pthread_create(&probe, &attributes, { _ in nil }, nil) == 0 else { return false }
        pthread_join(probe, nil)
        return true
    }
}
