import CShims
import Config
import Glibc
import Runtime
import Synchronization

/// Rings the handset for an incoming call (`[ringer] output`), in a `ToneCadence`.
///
/// * `alsa:PCM`: a small playback thread writes the ring tone period by period; the PCM is
///   opened by `start` and closed by `stop`, never held while idle (on a USB handset it is
///   often the same device the call's audio then needs).
/// * `gpio:CHIP:LINE`: an output line switched on and off with the cadence by event-loop
///   timers (a relay or buzzer makes its own sound). The line is requested once, driven
///   inactive, and held so it cannot float while idle.
/// * `none`: nothing.
///
/// Owned by the event loop; `start` and `stop` are idempotent and each takes at most one period.
public final class Ringer {
    public let cadence: ToneCadence
    public private(set) var isRinging = false

    private enum Output {
        case alsa(device: AudioDevice, format: PcmFormat, pacing: AudioProfile.Pacing)
        case line(switching: (Bool) -> Void, loop: EventLoop)
        case none
    }

    private let output: Output
    private let logger: Logger
    private var gpioLine: Int32 = -1
    private var playing: (thread: pthread_t, tone: ToneThread)?
    private var timer: EventLoop.TimerID?
    private var segment = 0

    /// GPIO consumer label, shown by `gpioinfo`.
    static let gpioConsumer = "callbox-ringer"

    /// `audio` gives the ring tone's rate, channels, period and buffer.
    public init(output: RingerOutput, audio: AudioProfile, loop: EventLoop, cadence: ToneCadence = .ukRinging,
                logger: Logger = Logger("ringer")) throws(HandsetError) {
        self.cadence = cadence
        self.logger = logger
        switch output {
        case .alsa(let pcm):
            self.output = .alsa(device: .pcm(pcm), format: PcmFormat(audio), pacing: .device)
        case .gpio(let line):
            let descriptor = try GPIOLineRequest.request(line, output: true, consumer: Self.gpioConsumer)
            gpioLine = descriptor
            self.output = .line(switching: { on in _ = cb_gpio_set_value(descriptor, on ? 1 : 0) }, loop: loop)
        case .none:
            self.output = .none
        }
    }

    /// A ring tone on `device` paced as `pacing` says (tests ring into a raw file).
    init(device: AudioDevice, format: PcmFormat, pacing: AudioProfile.Pacing, cadence: ToneCadence, logger: Logger = Logger("ringer")) {
        self.cadence = cadence
        self.logger = logger
        output = .alsa(device: device, format: format, pacing: pacing)
    }

    /// A line switched by `switching` (tests watch the calls instead of a GPIO line).
    init(switching: @escaping (Bool) -> Void, loop: EventLoop, cadence: ToneCadence, logger: Logger = Logger("ringer")) {
        self.cadence = cadence
        self.logger = logger
        output = .line(switching: switching, loop: loop)
    }

    deinit {
        stop()
        if gpioLine >= 0 { Glibc.close(gpioLine) }
    }

    /// Starts ringing from the beginning of the cadence. An ALSA PCM that cannot be opened
    /// (busy, unplugged) is reported here; the call itself is not affected.
    public func start() throws(HandsetError) {
        guard !isRinging else { return }
        switch output {
        case .alsa(let device, let format, let pacing):
            let pcm = try AlsaPcm(device: device, direction: .playback, format: format)
            let tone = ToneThread(pcm: pcm, generator: ToneGenerator(cadence: cadence, rate: format.rate, channels: format.channels), pacing: pacing)
            do {
                let thread = try HandsetThread.spawn(name: "callbox-ringer") { tone.loop() }
                playing = (thread, tone)
            } catch {
                pcm.close()
                throw error
            }
        case .line(let switching, let loop):
            segment = 0
            switching(true)
            scheduleNextSegment(switching, loop)
        case .none:
            break
        }
        isRinging = true
    }

    /// Stops ringing: silence within one period, the PCM closed, the line inactive.
    public func stop() {
        guard isRinging else { return }
        isRinging = false
        switch output {
        case .alsa:
            if let (thread, tone) = playing {
                tone.stopRequested.store(true, ordering: .releasing)
                HandsetThread.join(thread)
                tone.pcm.close()
            }
            playing = nil
        case .line(let switching, let loop):
            if let timer { loop.cancel(timer) }
            timer = nil
            switching(false)
        case .none:
            break
        }
    }

    private func scheduleNextSegment(_ switching: @escaping (Bool) -> Void, _ loop: EventLoop) {
        guard !cadence.pattern.isEmpty else { return }
        let length = max(0, cadence.pattern[segment % cadence.pattern.count])
        timer = loop.schedule(afterMilliseconds: length) { [weak self] in
            guard let self, self.isRinging else { return }
            self.segment = (self.segment + 1) % self.cadence.pattern.count
            switching(self.segment % 2 == 0)
            self.scheduleNextSegment(switching, loop)
        }
    }

    /// The ring tone's playback thread.
    private final class ToneThread: @unchecked Sendable {
        // @unchecked: `pcm`, `generator` and `samples` are used by the ringer thread between
        // spawn and join and by the owner only after join (ordered by pthread_join).
        let pcm: AlsaPcm
        var generator: ToneGenerator
        let pacing: AudioProfile.Pacing
        let samples: UnsafeMutableBufferPointer<Int16>
        let stopRequested = Atomic<Bool>(false)

        init(pcm: AlsaPcm, generator: ToneGenerator, pacing: AudioProfile.Pacing) {
            self.pcm = pcm
            self.generator = generator
            self.pacing = pacing
            samples = .allocate(capacity: pcm.format.periodSamples)
            samples.initialize(repeating: 0)
        }

        deinit { samples.deallocate() }

        func loop() {
            var clock = PeriodClock(periodNanoseconds: pcm.format.periodNanoseconds)
            while !stopRequested.load(ordering: .acquiring) {
                generator.render(into: samples)
                // A device blocks until it has room; a file does not, nor does a failed device.
                if pcm.writePeriod(from: UnsafeBufferPointer(samples)) && pacing == .device {
                    clock.restart()
                } else {
                    _ = clock.sleepUntilNextPeriod()
                }
            }
        }
    }
}
