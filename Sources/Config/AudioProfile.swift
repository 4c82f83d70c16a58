import CallCore

/// `[audio]` of a board profile: which PCMs carry the call and how they are clocked.
public struct AudioProfile: Hashable, Sendable {
    /// Who paces the audio thread.
    public enum Pacing: String, Hashable, Sendable, ConfigChoice {
        /// ALSA blocks until the sound card has room or data.
        case device
        /// The daemon's own timer, for PCMs that never block (the simulated board's file plugin).
        case clock
    }

    public var playback: AudioDevice
    public var capture: AudioDevice
    /// Frames per second; one of Opus's input rates, so no resampler is needed.
    public var rate: Int
    public var channels: Int
    public var period: TimeSpan
    public var buffer: TimeSpan
    public var pacing: Pacing

    static let opusRates = [8_000, 12_000, 16_000, 24_000, 48_000]
    static let channelCounts = 1...2
    /// Shorter periods cost wake-ups a small box cannot spare; longer ones add delay a call notices.
    static let periods = TimeSpan.milliseconds(5)...TimeSpan.milliseconds(100)
    /// ALSA needs at least two periods in the buffer; more than a second is only delay.
    static let fewestPeriodsPerBuffer: Int64 = 2
    static let buffers = TimeSpan.milliseconds(10)...TimeSpan.seconds(1)

    static func read(_ reader: inout SectionReader, dataDirectory: String) -> AudioProfile {
        let playback = reader.value("playback") { AudioDevice.parse($0, dataDirectory: dataDirectory) }
        let capture = reader.value("capture") { AudioDevice.parse($0, dataDirectory: dataDirectory) }
        let rate = reader.value("rate") { text -> ValueParse<Int> in
            guard let rate = IntegerValue.digits(text), opusRates.contains(rate) else {
                return .failure(ValueProblem("one of " + opusRates.map(String.init).joined(separator: ", ")))
            }
            return .success(rate)
        }
        let period = reader.value("period") { DurationValue.parse($0, within: periods) }
        let buffer = reader.value("buffer") { DurationValue.parse($0, within: buffers) }
        let pacing = reader.value("pacing") { ChoiceValue.parse($0, as: Pacing.self) }
        if let period, let buffer, buffer < period * fewestPeriodsPerBuffer {
            reader.report(reader.line(of: "buffer"), "buffer (\(buffer)) must hold at least \(fewestPeriodsPerBuffer) periods (\(period * fewestPeriodsPerBuffer))")
        }
        let usesRawFile = [playback, capture].contains { if case .rawFile = $0 { true } else { false } }
        if usesRawFile, pacing == .device {
            reader.report(reader.line(of: "pacing"), "pacing must be clock when playback or capture is a file: ALSA's file plugin over null does not pace")
        }
        return AudioProfile(
            playback: playback ?? .pcm("null"),
            capture: capture ?? .pcm("null"),
            rate: rate ?? opusRates[opusRates.count - 1],
            channels: reader.value("channels") { IntegerValue.parse($0, within: channelCounts) } ?? 1,
            period: period ?? .zero,
            buffer: buffer ?? .zero,
            pacing: pacing ?? .device)
    }
}
