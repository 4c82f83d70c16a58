import Config
import Glibc
import Testing
@testable import Handset

@Suite struct AlsaPcmTests {
    static let format = PcmFormat(rate: 48_000, channels: 1, periodFrames: 960, bufferFrames: 3_840)

    @Test func formatFollowsTheProfile() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let format = PcmFormat(AudioFiles.simulatedProfile(in: directory).audio)
        #expect(format == Self.format)
        #expect(format.periodSamples == 960)
        #expect(format.periodNanoseconds == 20_000_000)
    }

    @Test func readsAndWritesWholePeriodsThroughTheFilePlugin() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tone = AudioFiles.sine(frequency: 1_000, amplitude: 5_000, samples: 960 * 3)
        AudioFiles.write(tone, to: directory.file("mic.raw"))
        let capture = try AlsaPcm(device: .rawFile(directory.file("mic.raw")), direction: .capture, format: Self.format)
        let playback = try AlsaPcm(device: .rawFile(directory.file("out.raw")), direction: .playback, format: Self.format)
        var period = [Int16](repeating: 1, count: 960)
        var captured: [Int16] = []
        for _ in 0..<4 {
            #expect(period.withUnsafeMutableBufferPointer { capture.readPeriod(into: $0) })
            captured += period
            #expect(period.withUnsafeBufferPointer { playback.writePeriod(from: $0) })
        }
        capture.close()
        playback.close()
        #expect(captured[..<tone.count] == tone[...], "the microphone file, period by period")
        #expect(captured[tone.count...].allSatisfy { $0 == 0 }, "then silence")
        #expect(AudioFiles.read(directory.file("out.raw")) == captured, "everything played reaches the speaker file")
    }

    @Test func pastTheEndOfTheMicrophoneFileIsSilence() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // Two and a half periods of a ramp: every sample distinguishable.
        let ramp = (0..<2_400).map { Int16($0 + 1) }
        AudioFiles.write(ramp, to: directory.file("mic.raw"))
        let capture = try AlsaPcm(device: .rawFile(directory.file("mic.raw")), direction: .capture, format: Self.format)
        var period = [Int16](repeating: 0, count: 960)
        var captured: [Int16] = []
        for _ in 0..<5 {
            _ = period.withUnsafeMutableBufferPointer { capture.readPeriod(into: $0) }
            captured += period
        }
        #expect(captured[..<2_400] == ramp[...])
        #expect(captured[2_400...].allSatisfy { $0 == 0 })
    }

    @Test func xrunsAndSuspendsAreRecoveredAndCounted() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        AudioFiles.write([], to: directory.file("mic.raw"))
        let capture = try AlsaPcm(device: .rawFile(directory.file("mic.raw")), direction: .capture, format: Self.format)
        let playback = try AlsaPcm(device: .rawFile(directory.file("out.raw")), direction: .playback, format: Self.format)
        var period = [Int16](repeating: 7, count: 960)
        #expect(period.withUnsafeBufferPointer { playback.writePeriod(from: $0) })

        #expect(playback.recover(fromError: -EPIPE))
        #expect(playback.underruns == 1 && playback.overruns == 0)
        #expect(period.withUnsafeBufferPointer { playback.writePeriod(from: $0) }, "writes go on after recovery")
        #expect(capture.recover(fromError: -EPIPE))
        #expect(capture.overruns == 1 && capture.underruns == 0)
        #expect(period.withUnsafeMutableBufferPointer { capture.readPeriod(into: $0) })
        _ = playback.recover(fromError: -ESTRPIPE)
        #expect(playback.suspends == 1)
        #expect(!playback.recover(fromError: -EIO), "other errors are not xruns")
        #expect(playback.underruns == 1)
    }

    @Test func wrongSizedBuffersAndClosedPcmsFailWithoutCrashing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        AudioFiles.write([], to: directory.file("mic.raw"))
        let capture = try AlsaPcm(device: .rawFile(directory.file("mic.raw")), direction: .capture, format: Self.format)
        var short = [Int16](repeating: 3, count: 100)
        #expect(!short.withUnsafeMutableBufferPointer { capture.readPeriod(into: $0) })
        #expect(short.allSatisfy { $0 == 0 })
        capture.close()
        capture.close()
        var period = [Int16](repeating: 0, count: 960)
        #expect(!period.withUnsafeMutableBufferPointer { capture.readPeriod(into: $0) })
        #expect(!capture.recover(fromError: -EPIPE))
        #expect(capture.failures == 2)
    }

    @Test func aPcmNameOpensThroughAlsaAndUnknownOnesAreRefused() throws {
        let null = try AlsaPcm(device: .pcm("null"), direction: .playback, format: Self.format)
        #expect(null.openedName == "null")
        let period = [Int16](repeating: 0, count: 960)
        #expect(period.withUnsafeBufferPointer { null.writePeriod(from: $0) })
        #expect(throws: HandsetError.self) {
            try AlsaPcm(device: .pcm("callbox_no_such_pcm"), direction: .playback, format: Self.format)
        }
        #expect(throws: HandsetError.self) {
            try AlsaPcm(device: .rawFile("/nonexistent/callbox/mic.raw"), direction: .capture, format: Self.format)
        }
    }
}

