/// The one audio format of the desk handset path: 48 kHz mono S16, 20 ms frames. Opus is
/// negotiated as `opus/48000/2` (RFC 7587 §7) but the handset is mono and Opus decodes mono.
public enum OpusFormat {
    /// RFC 7587 §4.1: Opus's RTP clock and the ALSA rate (board profile `rate = 48000`).
    public static let sampleRate: Int32 = 48_000
    public static let channels: Int32 = 1
    /// 20 ms (spec §6.1 `minptime=20`, board profile `period = 20ms`).
    public static let frameMilliseconds = 20
    public static let samplesPerFrame = 960
    /// RFC 6716 §3.2.1: the largest Opus frame.
    public static let maxPacketBytes = 1_275
}
