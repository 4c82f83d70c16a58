import Config

/// The shape every handset PCM is opened with: S16_LE interleaved, the profile's rate and
/// channels, a period of `periodFrames` frames (the audio thread's tick) and a buffer of
/// `bufferFrames`.
public struct PcmFormat: Hashable, Sendable {
    public var rate: Int
    public var channels: Int
    public var periodFrames: Int
    public var bufferFrames: Int

    public init(rate: Int, channels: Int, periodFrames: Int, bufferFrames: Int) {
        self.rate = rate
        self.channels = channels
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
    }

    public init(_ profile: AudioProfile) {
        self.init(rate: profile.rate, channels: profile.channels,
                  periodFrames: Self.frames(profile.rate, milliseconds: profile.period.milliseconds),
                  bufferFrames: Self.frames(profile.rate, milliseconds: profile.buffer.milliseconds))
    }

    /// Samples in one period (frames × channels): the size of every buffer handed around.
    public var periodSamples: Int { periodFrames * channels }
    public var periodNanoseconds: Int64 { Int64(periodFrames) * 1_000_000_000 / Int64(max(1, rate)) }

    static func frames(_ rate: Int, milliseconds: Int64) -> Int { Int(Int64(rate) * milliseconds / 1_000) }
}
