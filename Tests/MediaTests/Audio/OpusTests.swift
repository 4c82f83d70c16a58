import Glibc
import Testing
@testable import Media

/// Signals and measurements shared by the Opus and jitter buffer tests.
enum AudioSignal {
    static let rate = 48_000.0

    static func tone(frequency: Double, amplitude: Double, frames: Int) -> [Int16] {
        (0..<(frames * OpusFormat.samplesPerFrame)).map {
            Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / rate))
        }
    }

    /// Voice-like: harmonics of a pitch that jumps every 8 frames, with a syllable envelope,
    /// so concealment that extrapolates the past is audibly wrong.
    static func voice(frames: Int) -> [Int16] {
        var phase = 0.0
        return (0..<(frames * OpusFormat.samplesPerFrame)).map { index in
            let frame = index / OpusFormat.samplesPerFrame
            let pitch = [140.0, 210.0, 170.0, 250.0][(frame / 8) % 4]
            phase += 2 * Double.pi * pitch / rate
            let envelope = 0.4 + 0.6 * abs(sin(Double.pi * Double(index) / (rate * 0.16)))
            var sample = 0.0
            for harmonic in 1...8 { sample += sin(Double(harmonic) * phase) / Double(harmonic) }
            return Int16(max(-32_000, min(32_000, 5_000 * envelope * sample)))
        }
    }

    /// Goertzel power of `frequency` in `samples`.
    static func goertzel(_ samples: ArraySlice<Int16>, frequency: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var previous = 0.0, beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
    }

    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))).squareRoot()
    }

    static func errorEnergy(_ a: ArraySlice<Int16>, _ b: ArraySlice<Int16>) -> Double {
        zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
    }

    static func encode(_ pcm: [Int16], with encoder: OpusEncoder) throws -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: OpusFormat.maxPacketBytes)
        for start in stride(from: 0, to: pcm.count, by: OpusFormat.samplesPerFrame) {
            let frame = Array(pcm[start..<(start + OpusFormat.samplesPerFrame)])
            let length = try buffer.withUnsafeMutableBytes { try encoder.encode(frame, into: $0) }
            packets.append(Array(buffer[0..<length]))
        }
        return packets
    }
}

@Suite struct OpusTests {
    /// Real Meta offers ask `maxplaybackrate=16000` (spec §11.7): the encoder then codes no
    /// wider than wideband, so a 12 kHz tone is gone while a 1 kHz one stays; at full band
    /// both pass. `maxaveragebitrate=20000` caps the rate.
    @Test func theFarEndsPlaybackRateAndBitrateBoundTheEncoder() throws {
        let asked = OpusSendParameters(maxPlaybackRate: 16_000, maxAverageBitrate: 20_000)
        let narrow = try OpusEncoder(for: asked)
        #expect(narrow.bitrate == 20_000)
        #expect(narrow.maxBandwidth == OpusEncoder.bandwidth(forPlaybackRate: 16_000))
        let full = try OpusEncoder(bitrate: 64_000)
        let low = AudioSignal.tone(frequency: 1_000, amplitude: 6_000, frames: 50)
        let high = AudioSignal.tone(frequency: 12_000, amplitude: 6_000, frames: 50)
        let input = zip(low, high).map { Int16(clamping: Int($0.0) + Int($0.1)) }
        func heard(through encoder: OpusEncoder) throws -> ArraySlice<Int16> {
            let decoder = try OpusDecoder()
            var output: [Int16] = []
            for packet in try AudioSignal.encode(input, with: encoder) {
                try packet.withUnsafeBytes { try decoder.decode($0) }
                output += decoder.frame
            }
            return output[(10 * 960)...]
        }
        let wideband = try heard(through: narrow)
        let fullband = try heard(through: full)
        #expect(AudioSignal.goertzel(wideband, frequency: 12_000) < AudioSignal.goertzel(fullband, frequency: 12_000) / 100)
        #expect(AudioSignal.goertzel(wideband, frequency: 1_000) > AudioSignal.goertzel(fullband, frequency: 1_000) / 4)
    }

    @Test func toneSurvivesEncodeAndDecodeAtItsFrequencyAndLevel() throws {
        let encoder = try OpusEncoder()
        let decoder = try OpusDecoder()
        let input = AudioSignal.tone(frequency: 1_000, amplitude: 8_000, frames: 50)
        var output: [Int16] = []
        for packet in try AudioSignal.encode(input, with: encoder) {
            #expect(packet.count > 10 && packet.count < 200)
            try packet.withUnsafeBytes { try decoder.decode($0) }
            output += decoder.frame
        }
        let steady = output[(10 * 960)...]
        let atTone = AudioSignal.goertzel(steady, frequency: 1_000)
        for other in [700.0, 900.0, 1_100.0, 1_300.0] {
            #expect(atTone > 100 * AudioSignal.goertzel(steady, frequency: other))
        }
        var crossings = 0
        for index in steady.indices.dropFirst() where (steady[index - 1] < 0) != (steady[index] < 0) { crossings += 1 }
        let measured = Double(crossings) / 2 / (Double(steady.count) / AudioSignal.rate)
        #expect(abs(measured - 1_000) < 10)
        let inputLevel = AudioSignal.rms(input[(10 * 960)...])
        let decibels = 20 * log10(AudioSignal.rms(steady) / inputLevel)
        #expect(abs(decibels) < 1.5)
    }

    @Test func fecRecoversADroppedFrameBetterThanConcealment() throws {
        let encoder = try OpusEncoder()
        let packets = try AudioSignal.encode(AudioSignal.voice(frames: 60), with: encoder)
        // Frames inside a syllable: SILK codes LBRR only for frames its VAD calls active speech.
        var fecBetter = 0
        for lost in [20, 24, 28, 32, 40] {
            let reference = try OpusDecoder(), withFEC = try OpusDecoder(), withPLC = try OpusDecoder()
            var expected: [Int16] = [], recovered: [Int16] = [], concealed: [Int16] = []
            for index in 0...lost {
                try packets[index].withUnsafeBytes { try reference.decode($0) }
                if index == lost {
                    try packets[index + 1].withUnsafeBytes { try withFEC.decodeFEC(fromNext: $0) }
                    try withPLC.conceal()
                    expected = Array(reference.frame)
                    recovered = Array(withFEC.frame)
                    concealed = Array(withPLC.frame)
                } else {
                    try packets[index].withUnsafeBytes { try withFEC.decode($0) }
                    try packets[index].withUnsafeBytes { try withPLC.decode($0) }
                }
            }
            let fecError = AudioSignal.errorEnergy(expected[...], recovered[...])
            let plcError = AudioSignal.errorEnergy(expected[...], concealed[...])
            if fecError * 3 < plcError { fecBetter += 1 }
        }
        #expect(fecBetter == 5)
    }

    @Test func shortPacketIsCompletedAndGarbageRefused() throws {
        let decoder = try OpusDecoder()
        // TOC 0x08 = SILK NB 10 ms, one frame, empty body: 480 samples, the rest concealed.
        try [UInt8]([0x08]).withUnsafeBytes { try decoder.decode($0) }
        #expect(decoder.frame.count == 960)
        #expect(throws: OpusError.decodeFailed(code: -4)) {
            try [UInt8]([0x03]).withUnsafeBytes { try decoder.decode($0) }   // code 3 without a frame count byte
        }
        #expect(throws: OpusError.decodeFailed(code: -4)) { try [UInt8]().withUnsafeBytes { try decoder.decode($0) } }
        // 60 ms (TOC config 3 = SILK NB 60 ms) does not fit a 20 ms frame.
        #expect(throws: OpusError.decodeFailed(code: -2)) {
            try [UInt8]([0x18, 0, 0, 0]).withUnsafeBytes { try decoder.decode($0) }
        }
    }

    @Test func encoderRefusesWrongFrameLengthAndReportsSettings() throws {
        let encoder = try OpusEncoder(bitrate: 20_000, complexity: 3)
        #expect(encoder.bitrate == 20_000 && encoder.complexity == 3 && encoder.lookahead > 0)
        var buffer = [UInt8](repeating: 0, count: 100)
        #expect(throws: OpusError.wrongFrameLength(480)) {
            try buffer.withUnsafeMutableBytes { try encoder.encode([Int16](repeating: 0, count: 480), into: $0) }
        }
        let silence = try buffer.withUnsafeMutableBytes { try encoder.encode([Int16](repeating: 0, count: 960), into: $0) }
        #expect(silence > 0)
        #expect(OpusError.decodeFailed(code: -4).message == "corrupted stream")
    }
}

