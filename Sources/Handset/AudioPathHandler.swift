/// What the audio thread does with each period; the daemon supplies it (Opus encode and
/// send, jitter buffer and decode, a ring-back `ToneGenerator`).
///
/// Both methods run ON THE AUDIO THREAD, once per period, in this order: `captured`, then
/// `render`. They must not block, lock, allocate or log per call: hand data to other
/// threads through `AudioFrameQueue`s. Frames hold one period (`PcmFormat.periodSamples`
/// samples, 960 for 20 ms at 48 kHz mono), interleaved when there are two channels.
public protocol AudioPathHandler: AnyObject, Sendable {
    /// One period from the handset microphone (silence while muted). Valid only during the call.
    func captured(_ frame: UnsafeBufferPointer<Int16>)
    /// Fills one period for the handset earpiece; whatever is left in `frame` is played.
    func render(into frame: UnsafeMutableBufferPointer<Int16>)
}
