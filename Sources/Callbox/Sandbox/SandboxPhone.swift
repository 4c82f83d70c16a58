import Glibc
import Media
import Runtime
import Synchronization

/// The sandbox's WhatsApp user: a real WebRTC peer from the box's own media stack, acting
/// as Meta's relay does (ICE-lite, controlled; spec §6.1). It plays a 440 Hz tone and
/// records what it hears to `data_dir/sandbox-heard.raw` (S16_LE, 48 kHz, mono), so a
/// demo call can be heard end to end without a phone or a Meta account.
final class SandboxPhone {
    static let toneHz = 440.0
    static let heardFileName = "sandbox-heard.raw"

    private let media: MediaEngine
    private let heardPath: String
    private var peers: [String: (call: MediaCall, voice: SandboxVoice)] = [:]
    private let log = Logger("sandbox-phone")

    init(media: MediaEngine, dataDirectory: String) {
        self.media = media
        heardPath = dataDirectory + "/" + Self.heardFileName
    }

    /// A user-initiated call: the offer to put in the connect webhook.
    func offer(for callID: String) -> String? {
        do {
            let call = try media.offer(iceMode: .lite)
            peers[callID] = (call, SandboxVoice(call: call.audio, heardPath: heardPath))
            return call.localDescription
        } catch {
            log.error("cannot make the sandbox user's offer", ["error": "\(error)"])
            return nil
        }
    }

    /// A business-initiated call: Meta's answer to the box's offer, for the connect webhook.
    func answer(_ offer: String, for callID: String) -> String? {
        do {
            let call = try media.answer(offer: offer, iceMode: .lite)
            peers[callID] = (call, SandboxVoice(call: call.audio, heardPath: heardPath))
            return call.localDescription
        } catch {
            log.error("cannot answer the box's offer", ["error": "\(error)"])
            return nil
        }
    }

    /// The box's SDP answer in pre_accept.
    func boxAnswered(_ callID: String, sdp: String) {
        guard let peer = peers[callID] else { return }
        try? media.apply(answer: sdp, to: peer.call.id)
    }

    /// The call is up at "Meta": the user's phone talks.
    func connected(_ callID: String) {
        guard let peer = peers[callID] else { return }
        media.enableSending(peer.call.id)
        peer.voice.start()
        log.info("the sandbox user is talking", ["call": callID, "heard": heardPath])
    }

    /// What the user's phone makes of the business's keypad (RFC 4733).
    func mediaEvent(_ event: MediaEvent) {
        guard case let .dtmf(id, digit) = event, let callID = peers.first(where: { $0.value.call.id == id })?.key else { return }
        log.notice("the sandbox user heard a keypad digit", ["call": callID, "digit": String(digit)])
    }

    func ended(_ callID: String) {
        guard let peer = peers.removeValue(forKey: callID) else { return }
        peer.voice.stop()
        media.close(peer.call.id)
    }
}

/// The sandbox user's mouth and ear: a thread paced by the clock, 20 ms at a time.
private final class SandboxVoice: @unchecked Sendable {
    // @unchecked: `running` is atomic; the rest is used only on the voice thread after start.
    private let call: CallAudio
    private let heardPath: String
    private let running = Atomic<Bool>(false)
    private var thread: OSThread?

    init(call: CallAudio, heardPath: String) {
        self.call = call
        self.heardPath = heardPath
    }

    func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let thread = OSThread { [self] in run() }
        self.thread = thread
        thread.start()
    }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        thread?.join()
        thread = nil
    }

    private func run() {
        let samples = 960
        var tone = [Int16](repeating: 0, count: samples)
        var heard = [Int16](repeating: 0, count: samples)
        let file = fopen(heardPath, "ab")
        defer { if let file { fclose(file) } }
        var phase = 0.0
        let step = 2 * Double.pi * SandboxPhone.toneHz / 48_000
        var next = timespec()
        clock_gettime(CLOCK_MONOTONIC, &next)
        while running.load(ordering: .relaxed) {
            for index in 0..<samples {
                tone[index] = Int16(sin(phase) * 0.25 * 32_767)
                phase += step
            }
            phase = phase.truncatingRemainder(dividingBy: 2 * Double.pi)
            tone.withUnsafeBufferPointer { call.captured($0) }
            heard.withUnsafeMutableBufferPointer { call.render(into: $0) }
            if let file { _ = heard.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) } }
            next.tv_nsec += 20_000_000
            if next.tv_nsec >= 1_000_000_000 {
                next.tv_nsec -= 1_000_000_000
                next.tv_sec += 1
            }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nil)
        }
    }
}
