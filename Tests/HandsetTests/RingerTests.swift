import Config
import Glibc
import Runtime
import Testing
@testable import Handset

@Suite struct ToneGeneratorTests {
    @Test func ukRingingIsTwoTonesInItsCadence() {
        var generator = ToneGenerator(cadence: .ukRinging, rate: 48_000)
        var samples = [Int16](repeating: 0, count: 48_000 * 3)
        samples.withUnsafeMutableBufferPointer { generator.render(into: $0) }
        let level = Double(ToneGenerator.defaultLevel)
        // 0.4 s on, 0.2 s off, 0.4 s on, 2.0 s off, at 48 frames per millisecond.
        for (start, end) in [(0, 400), (600, 1_000)] {
            let window = samples[(start * 48)..<(end * 48)]
            #expect(abs(AudioFiles.amplitude(of: 400, in: window) - level) < level * 0.01)
            #expect(abs(AudioFiles.amplitude(of: 450, in: window) - level) < level * 0.01)
        }
        for (start, end) in [(400, 600), (1_000, 3_000)] {
            #expect(AudioFiles.peak(samples[(start * 48)..<(end * 48)]) == 0)
        }
        #expect(AudioFiles.peak(samples[...]) <= 2 * Int(ToneGenerator.defaultLevel))
        #expect(generator.isOn, "3.0 s: the next cadence begins")
    }

    @Test func periodsContinueSeamlesslyAndStereoRepeatsEachFrame() {
        var whole = ToneGenerator(cadence: .europeanRingBack, rate: 48_000)
        var pieces = whole
        var one = [Int16](repeating: 0, count: 4_800)
        one.withUnsafeMutableBufferPointer { whole.render(into: $0) }
        var joined: [Int16] = []
        for _ in 0..<5 {
            var period = [Int16](repeating: 0, count: 960)
            period.withUnsafeMutableBufferPointer { pieces.render(into: $0) }
            joined += period
        }
        #expect(joined == one)
        #expect(abs(AudioFiles.amplitude(of: 425, in: one[...]) - Double(ToneGenerator.defaultLevel)) < 100)

        var stereo = ToneGenerator(cadence: .europeanRingBack, rate: 48_000, channels: 2)
        var frames = [Int16](repeating: 1, count: 9)
        frames.withUnsafeMutableBufferPointer { stereo.render(into: $0) }
        #expect(frames[2] == frames[3] && frames[6] == frames[7] && frames[8] == 0)
        stereo.reset()
        #expect(stereo.isOn)
    }

    @Test func degenerateCadencesDoNotCrash() {
        for cadence in [ToneCadence(frequencies: [], pattern: []), ToneCadence(frequencies: [1, 2, 3], pattern: [0, 0]),
                        ToneCadence(frequencies: [-5], pattern: [-1, 10])] {
            var generator = ToneGenerator(cadence: cadence, rate: 0, channels: 0)
            var samples = [Int16](repeating: 0, count: 100)
            samples.withUnsafeMutableBufferPointer { generator.render(into: $0) }
        }
    }
}

@Suite struct RingerTests {
    @Test func anAlsaRingerPlaysTheCadenceAndClosesThePcmWhenStopped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let format = PcmFormat(rate: 48_000, channels: 1, periodFrames: 960, bufferFrames: 3_840)
        let ringer = Ringer(device: .rawFile(directory.file("ring.raw")), format: format, pacing: .clock, cadence: .ukRinging)
        try ringer.start()
        try ringer.start()
        #expect(ringer.isRinging)
        sleepMilliseconds(1_200)
        let stopping = MonotonicClock.nanoseconds()
        ringer.stop()
        // One period, plus slack for the test thread's own wake-up on a busy box.
        #expect(MonotonicClock.nanoseconds() - stopping < 40_000_000)
        #expect(!ringer.isRinging)
        let samples = AudioFiles.read(directory.file("ring.raw"))
        #expect(samples.count % 960 == 0 && samples.count >= 48 * 1_150, "\(samples.count) samples")
        let level = Double(ToneGenerator.defaultLevel)
        for (start, end) in [(0, 400), (600, 1_000)] {
            #expect(abs(AudioFiles.amplitude(of: 450, in: samples[(start * 48)..<(end * 48)]) - level) < level * 0.01)
        }
        #expect(AudioFiles.peak(samples[(400 * 48)..<(600 * 48)]) == 0)
        #expect(AudioFiles.peak(samples[(1_000 * 48)...]) == 0)
        ringer.stop()
    }

    @Test func aGpioRingerSwitchesTheLineWithTheCadence() throws {
        let loop = EventLoop()
        var switches: [(on: Bool, at: Int64)] = []
        let begin = MonotonicClock.milliseconds()
        let ringer = Ringer(switching: { switches.append(($0, MonotonicClock.milliseconds() - begin)) }, loop: loop, cadence: .ukRinging)
        try ringer.start()
        while MonotonicClock.milliseconds() - begin < 1_100 { loop.runOnce(maximumWait: 20) }
        ringer.stop()
        #expect(switches.map(\.on) == [true, false, true, false, false])
        let expected: [Int64] = [0, 400, 600, 1_000]
        for (index, time) in expected.enumerated() {
            #expect(abs(switches[index].at - time) <= 50, "switch \(index) at \(switches[index].at) ms")
        }
        let count = switches.count
        for _ in 0..<5 { loop.runOnce(maximumWait: 10) }
        #expect(switches.count == count, "no timer left behind")
    }

    @Test func noneDoesNothingAndMissingDevicesAreReported() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let audio = AudioFiles.simulatedProfile(in: directory).audio
        let loop = EventLoop()
        let silent = try Ringer(output: .none, audio: audio, loop: loop)
        try silent.start()
        silent.stop()
        let missing = try Ringer(output: .alsa(pcm: "callbox_no_such_pcm"), audio: audio, loop: loop)
        #expect(throws: HandsetError.self) { try missing.start() }
        #expect(!missing.isRinging)
        #expect(throws: HandsetError.self) {
            let profile = AudioFiles.simulatedProfile(in: directory, ringer: "gpio:/nonexistent/gpiochip0:4:active_low")
            _ = try Ringer(output: profile.ringer, audio: audio, loop: loop)
        }
    }
}
