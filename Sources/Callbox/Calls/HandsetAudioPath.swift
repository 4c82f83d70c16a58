import Handset
import Media
import Synchronization

/// What the audio thread runs for a call on the handset: the call's own audio, or the
/// ring-back tone in the earpiece while an outbound call rings.
final class HandsetAudioPath: AudioPathHandler, @unchecked Sendable {
    // @unchecked: `ringback` is used only on the audio thread; the flag is atomic.
    let call: CallAudio
    private var ringback: ToneGenerator
    private let playingRingback: Atomic<Bool>

    init(call: CallAudio, rate: Int, ringback: Bool) {
        self.call = call
        self.ringback = ToneGenerator(cadence: .ukRinging, rate: rate)
        playingRingback = Atomic(ringback)
    }

    /// Event loop: the far end answered, its audio replaces the tone.
    func stopRingback() {
        playingRingback.store(false, ordering: .relaxed)
    }

    func captured(_ frame: UnsafeBufferPointer<Int16>) {
        call.captured(frame)
    }

    func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        if playingRingback.load(ordering: .relaxed) {
            ringback.render(into: frame)
        } else {
            call.render(into: frame)
        }
    }
}
