import CALSA
import CShims
import Config
import Glibc

/// One ALSA PCM, playback or capture, opened in the handset's `PcmFormat` and read or
/// written one period at a time. The only place in Callbox that touches libasound's PCM
/// pointers (DESIGN §7: a C library wrapped once).
///
/// Blocking mode: on a sound card a period read or write waits for the card, which is
/// what paces the audio thread under `pacing = device`.
///
/// Not thread-safe: one thread (the audio or ringer thread) owns it after opening.
public final class AlsaPcm {
    public let direction: AudioDevice.Direction
    public let format: PcmFormat
    /// The PCM name libasound opened (after any `plug:` fallback), for logs.
    public private(set) var openedName: String
    /// Playback xruns (-EPIPE), each recovered with `snd_pcm_recover`.
    public private(set) var underruns = 0
    /// Capture xruns (-EPIPE), each recovered with `snd_pcm_recover`.
    public private(set) var overruns = 0
    /// Periods that found the device suspended (-ESTRPIPE), e.g. across a USB reset.
    public private(set) var suspends = 0
    /// Periods given up after recovery failed; their audio is lost (silence on capture).
    public private(set) var failures = 0

    private var pcm: OpaquePointer?
    /// The configuration tree a file PCM was opened from; kept until `close`.
    private var localConfig: OpaquePointer?
    /// A raw capture file, watched for its length: past its end the `file` plugin hands
    /// back whatever was left in its buffer, which must be heard as silence instead.
    private var captureFile: Int32 = -1
    /// Frames handed out from `captureFile` so far.
    private var captureFileFrames = 0

    /// Recovery attempts for one period before it is given up, so a dead device never stalls the thread.
    static let recoveryAttemptsPerPeriod = 2
    /// The PCM name file devices are defined under in their private configuration.
    static let filePcmName = "callbox_file"
    /// Playback starts once this many periods are queued: enough to ride out one late wake-up.
    public static let playbackStartPeriods = 2

    /// Opens `device` in `format`.
    ///
    /// `.pcm(name)`: opened by name. `plughw:`, `plug:` and `default` PCMs convert format,
    /// rate and channels inside ALSA. Any other name (`hw:1,0`) that cannot take S16_LE at
    /// the profile's rate and channels is reopened once as `plug:"name"`, so ALSA converts.
    /// `.rawFile(path)`: a `file`-plugin PCM over `null`, built from
    /// `AudioDevice.alsaDefinition` and loaded into a private copy of ALSA's global
    /// configuration, so no `~/.asoundrc` is needed.
    public init(device: AudioDevice, direction: AudioDevice.Direction, format: PcmFormat) throws(HandsetError) {
        self.direction = direction
        self.format = format
        switch device {
        case .rawFile(let path):
            guard let definition = device.alsaDefinition(name: Self.filePcmName, direction: direction) else {
                throw HandsetError("no ALSA definition for \(device)")
            }
            let config = try Self.configuration(adding: definition)
            openedName = Self.filePcmName
            var opened: OpaquePointer?
            let code = snd_pcm_open_lconf(&opened, Self.filePcmName, Self.stream(direction), 0, config)
            guard code >= 0, let opened else {
                snd_config_delete(config)
                throw Self.failure("cannot open \(Self.describe(device))", code)
            }
            pcm = opened
            localConfig = config
            if direction == .capture { captureFile = Glibc.open(path, O_RDONLY | O_CLOEXEC) }
            do { try configure() } catch {
                close()
                throw HandsetError("\(Self.describe(device)): \(error)")
            }
        case .pcm(let name):
            do {
                openedName = name
                try open(name)
            } catch let direct {
                let convertible = name.hasPrefix("plug") || name == "default" || name.contains("\"")
                guard !convertible else { throw direct }
                let plugName = "plug:\"\(name)\""
                openedName = plugName
                do { try open(plugName) } catch { throw HandsetError("\(direct); through plug: \(error)") }
            }
        }
    }

    deinit { close() }

    /// Reads exactly one period into `samples` (which must hold `format.periodSamples`).
    /// Overruns and suspends are recovered and counted; if the period cannot be read,
    /// `samples` is silence and the result is false. Never blocks longer than the device does.
    @discardableResult
    public func readPeriod(into samples: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard let pcm, let base = samples.baseAddress, samples.count >= format.periodSamples else {
            failures += 1
            samples.update(repeating: 0)
            return false
        }
        let moved = transferPeriod { done, frames in snd_pcm_readi(pcm, base + done * format.channels, frames) }
        guard moved.complete else {
            (base + moved.frames * format.channels).update(repeating: 0, count: (format.periodFrames - moved.frames) * format.channels)
            return false
        }
        if captureFile >= 0 { silencePastEndOfCaptureFile(base) }
        return true
    }

    /// One period through `transfer` (snd_pcm_readi or snd_pcm_writei, given the frames
    /// done so far and the frames left), recovering xruns and suspends a bounded number of
    /// times; a period that cannot finish is counted as a failure.
    private func transferPeriod(_ transfer: (Int, snd_pcm_uframes_t) -> snd_pcm_sframes_t) -> (frames: Int, complete: Bool) {
        var done = 0, attempts = 0
        while done < format.periodFrames {
            let result = transfer(done, snd_pcm_uframes_t(format.periodFrames - done))
            if result >= 0 {
                done += result
                continue
            }
            attempts += 1
            guard attempts <= Self.recoveryAttemptsPerPeriod, recover(fromError: Int32(result)) else {
                failures += 1
                return (done, false)
            }
        }
        return (done, true)
    }

    private func silencePastEndOfCaptureFile(_ base: UnsafeMutablePointer<Int16>) {
        var status = stat()
        guard fstat(captureFile, &status) == 0 else { return }
        let fileFrames = Int(status.st_size) / (MemoryLayout<Int16>.size * format.channels)
        let fresh = min(format.periodFrames, max(0, fileFrames - captureFileFrames))
        if fresh < format.periodFrames {
            (base + fresh * format.channels).update(repeating: 0, count: (format.periodFrames - fresh) * format.channels)
        }
        captureFileFrames += format.periodFrames
    }

    /// Writes exactly one period from `samples`. Underruns and suspends are recovered and
    /// counted; a period that cannot be written is dropped and the result is false.
    @discardableResult
    public func writePeriod(from samples: UnsafeBufferPointer<Int16>) -> Bool {
        guard let pcm, let base = samples.baseAddress, samples.count >= format.periodSamples else {
            failures += 1
            return false
        }
        return transferPeriod { done, frames in snd_pcm_writei(pcm, base + done * format.channels, frames) }.complete
    }

    /// Counts and recovers from an xrun (-EPIPE, with `snd_pcm_recover`) or a suspend
    /// (-ESTRPIPE); returns false for any other error or a failed recovery.
    ///
    /// `snd_pcm_recover` would wait, a second at a time, for a suspended device to come
    /// back; the audio thread must not stall, so a device still suspended fails this
    /// period (counted again in `suspends`) and is tried again on the next one.
    @discardableResult
    public func recover(fromError code: Int32) -> Bool {
        guard let pcm else { return false }
        switch -code {
        case EPIPE:
            if direction == .playback { underruns += 1 } else { overruns += 1 }
            return snd_pcm_recover(pcm, code, 1) >= 0
        case ESTRPIPE:
            suspends += 1
            let resumed = snd_pcm_resume(pcm)
            if resumed == -EAGAIN { return false }
            return resumed >= 0 || snd_pcm_prepare(pcm) >= 0
        case EINTR:
            return true
        default:
            return false
        }
    }

    /// Closes the PCM (queued playback is dropped, not drained: a hung-up call must stop
    /// at once). Safe to call twice.
    public func close() {
        if let pcm {
            snd_pcm_drop(pcm)
            snd_pcm_close(pcm)
        }
        pcm = nil
        if let localConfig { snd_config_delete(localConfig) }
        localConfig = nil
        if captureFile >= 0 { Glibc.close(captureFile) }
        captureFile = -1
    }

    private func open(_ name: String) throws(HandsetError) {
        var opened: OpaquePointer?
        let code = snd_pcm_open(&opened, name, Self.stream(direction), 0)
        guard code >= 0, let opened else { throw Self.failure("cannot open ALSA PCM \(name)", code) }
        pcm = opened
        do { try configure() } catch {
            snd_pcm_close(opened)
            pcm = nil
            throw HandsetError("ALSA PCM \(name): \(error)")
        }
    }

    private func configure() throws(HandsetError) {
        guard let pcm else { throw HandsetError("not open") }
        var hardware: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&hardware) >= 0, let hardware else { throw HandsetError("out of memory") }
        defer { snd_pcm_hw_params_free(hardware) }
        try Self.check(snd_pcm_hw_params_any(pcm, hardware), "no hardware configuration")
        try Self.check(snd_pcm_hw_params_set_access(pcm, hardware, SND_PCM_ACCESS_RW_INTERLEAVED), "interleaved access refused")
        try Self.check(snd_pcm_hw_params_set_format(pcm, hardware, SND_PCM_FORMAT_S16_LE), "S16_LE refused")
        try Self.check(snd_pcm_hw_params_set_channels(pcm, hardware, UInt32(format.channels)), "\(format.channels) channel(s) refused")
        try Self.check(snd_pcm_hw_params_set_rate(pcm, hardware, UInt32(format.rate), 0), "\(format.rate) Hz refused")
        var period = snd_pcm_uframes_t(format.periodFrames)
        var nearness: Int32 = 0
        try Self.check(snd_pcm_hw_params_set_period_size_near(pcm, hardware, &period, &nearness), "period size refused")
        guard Int(period) == format.periodFrames else {
            throw HandsetError("period of \(format.periodFrames) frames refused (device offers \(period))")
        }
        var buffer = snd_pcm_uframes_t(format.bufferFrames)
        try Self.check(snd_pcm_hw_params_set_buffer_size_near(pcm, hardware, &buffer), "buffer size refused")
        try Self.check(snd_pcm_hw_params(pcm, hardware), "hardware parameters refused")

        var software: OpaquePointer?
        guard snd_pcm_sw_params_malloc(&software) >= 0, let software else { throw HandsetError("out of memory") }
        defer { snd_pcm_sw_params_free(software) }
        try Self.check(snd_pcm_sw_params_current(pcm, software), "no software configuration")
        // Capture starts on the first read; playback once enough is queued to survive a late period.
        let start = direction == .playback ? min(Int(buffer), format.periodFrames * Self.playbackStartPeriods) : 1
        try Self.check(snd_pcm_sw_params_set_start_threshold(pcm, software, snd_pcm_uframes_t(start)), "start threshold refused")
        try Self.check(snd_pcm_sw_params_set_avail_min(pcm, software, period), "avail_min refused")
        try Self.check(snd_pcm_sw_params(pcm, software), "software parameters refused")
        try Self.check(snd_pcm_prepare(pcm), "prepare failed")
    }

    /// ALSA's global configuration (alsa.conf: `pcm.null` and friends) plus `definition`,
    /// as a private tree for `snd_pcm_open_lconf`.
    private static func configuration(adding definition: String) throws(HandsetError) -> OpaquePointer {
        var global: OpaquePointer?
        var code = snd_config_update_ref(&global)
        guard code >= 0, let global else { throw failure("cannot read ALSA's configuration", code) }
        var copy: OpaquePointer?
        code = snd_config_copy(&copy, global)
        snd_config_unref(global)
        guard code >= 0, let copy else { throw failure("cannot copy ALSA's configuration", code) }
        var input: OpaquePointer?
        var bytes = Array(definition.utf8)
        code = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { snd_input_buffer_open(&input, $0.baseAddress, $0.count) }
        }
        guard code >= 0, let input else {
            snd_config_delete(copy)
            throw failure("cannot read the file PCM definition", code)
        }
        code = snd_config_load(copy, input)
        snd_input_close(input)
        guard code >= 0 else {
            snd_config_delete(copy)
            throw failure("invalid file PCM definition", code)
        }
        return copy
    }

    private static func stream(_ direction: AudioDevice.Direction) -> snd_pcm_stream_t {
        direction == .playback ? SND_PCM_STREAM_PLAYBACK : SND_PCM_STREAM_CAPTURE
    }

    private static func check(_ code: Int32, _ what: String) throws(HandsetError) {
        if code < 0 { throw failure(what, code) }
    }

    private static func failure(_ what: String, _ code: Int32) -> HandsetError {
        HandsetError("\(what): \(String(cString: snd_strerror(code)))")
    }

    private static func describe(_ device: AudioDevice) -> String {
        switch device {
        case .pcm(let name): "ALSA PCM \(name)"
        case .rawFile(let path): "raw audio file \(path)"
        }
    }
}
