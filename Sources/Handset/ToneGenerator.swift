import Glibc

/// A call-progress tone: one or two frequencies, switched on and off in a repeating cadence.
public struct ToneCadence: Hashable, Sendable {
    /// One or two frequencies in Hz, mixed.
    public var frequencies: [Double]
    /// Alternating on and off durations in milliseconds, starting with on; repeats.
    public var pattern: [Int64]

    public init(frequencies: [Double], pattern: [Int64]) {
        self.frequencies = frequencies
        self.pattern = pattern
    }

    /// UK ringing (BT SIN 350, Ofcom): 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2.0 s
    /// off. Used for the handset's ringer and, by UK boxes, as ring-back.
    public static let ukRinging = ToneCadence(frequencies: [400, 450], pattern: [400, 200, 400, 2_000])
    /// European ring-back (ETSI TR 101 041 / CEPT): 425 Hz, 1 s on, 4 s off.
    public static let europeanRingBack = ToneCadence(frequencies: [425], pattern: [1_000, 4_000])
}

/// Generates a `ToneCadence` as S16 samples, period after period, with no allocation after
/// `init`: the ringer's thread and an audio handler (ring-back while an outbound call is
/// RINGING) call `render` on a real-time path.
public struct ToneGenerator: Sendable {
    /// Peak level of each frequency: −12 dBFS, so two mixed tones stay at −6 dBFS, loud
    /// in an earpiece without clipping.
    public static let defaultLevel: Int16 = 8_192
    /// More frequencies than a call-progress tone uses are ignored.
    static let maximumFrequencies = 2

    public let rate: Int
    public let channels: Int
    public let level: Int16
    /// Cycles per sample for each frequency (the second is 0 for a single tone).
    private let steps: (Double, Double)
    private let toneCount: Int
    /// Pattern segment lengths in frames.
    private let segments: [Int]
    private var phases: (Double, Double) = (0, 0)
    private var segment = 0
    private var segmentFrame = 0

    public init(cadence: ToneCadence, rate: Int, channels: Int = 1, level: Int16 = ToneGenerator.defaultLevel) {
        self.rate = max(1, rate)
        self.channels = max(1, channels)
        self.level = level
        let usable = cadence.frequencies.prefix(Self.maximumFrequencies).map { max(0, $0) / Double(max(1, rate)) }
        toneCount = usable.count
        steps = (usable.first ?? 0, usable.count > 1 ? usable[1] : 0)
        let frames = cadence.pattern.map { Int(max(0, $0) * Int64(max(1, rate)) / 1_000) }
        // A pattern of nothing, or all zero lengths, is a steady tone.
        segments = frames.contains { $0 > 0 } ? frames : [Int.max]
        skipFinishedSegments()
    }

    /// Whether the tone is sounding at the next frame rendered.
    public var isOn: Bool { segment % 2 == 0 }

    /// Starts the cadence again from the beginning of its first on-period.
    public mutating func reset() {
        phases = (0, 0)
        segment = 0
        segmentFrame = 0
        skipFinishedSegments()
    }

    /// Moves on to the next segment that still has frames to play (zero-length ones are skipped).
    private mutating func skipFinishedSegments() {
        while segmentFrame >= segments[segment] {
            segmentFrame = 0
            segment = (segment + 1) % segments.count
        }
    }

    /// Fills `samples` (interleaved, `channels` per frame) with the next stretch of the cadence.
    public mutating func render(into samples: UnsafeMutableBufferPointer<Int16>) {
        let frames = samples.count / channels
        let amplitude = Double(level)
        for frame in 0..<frames {
            var value = 0.0
            if segment % 2 == 0 && toneCount > 0 {
                value = sin(2 * Double.pi * phases.0)
                if toneCount > 1 { value += sin(2 * Double.pi * phases.1) }
                value *= amplitude
            }
            phases.0 += steps.0
            phases.1 += steps.1
            if phases.0 >= 1 { phases.0 -= 1 }
            if phases.1 >= 1 { phases.1 -= 1 }
            segmentFrame += 1
            skipFinishedSegments()
            let sample = Int16(clamping: Int(value.rounded()))
            for channel in 0..<channels { samples[frame * channels + channel] = sample }
        }
        for index in (frames * channels)..<samples.count { samples[index] = 0 }
    }
}
