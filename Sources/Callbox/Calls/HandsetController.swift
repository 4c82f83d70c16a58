import CallCore
import Config
import Glibc
import Handset
import Journal
import Media
import Runtime

/// The desk handset on the event loop (issue 3, DESIGN §2): it rings for incoming calls when
/// the call's ring plan says (`IncomingCallRouter`), answers one when lifted — the box's own SDP answer in
/// pre_accept and accept — and ends it when hung up; it places calls "via handset" with
/// ring-back in the earpiece. Audio runs on an `AudioThread` per call, packets on the
/// media engine's thread.
final class HandsetController: CallMediaHandler {
    private struct HandsetCall {
        var handle: CallHandle
        var media: MediaCall
        var audio: AudioThread
        var path: HandsetAudioPath
        /// CLOCK_MONOTONIC nanoseconds when the handset answered (the hook lifted, or a call
        /// rang while it was already off); nil for calls dialled.
        var answeredAt: Int64?
    }

    /// Under device pacing the audio thread keeps `AlsaPcm.playbackStartPeriods` queued;
    /// by the time a frame is written one of them has played, so the rest are ahead of it.
    /// Under clock pacing (the simulated board's null slave) a write is taken at once.
    static let devicePlaybackPeriodsAhead = Int64(AlsaPcm.playbackStartPeriods - 1)

    private let calls: CallController
    private let journal: Journal
    private let media: MediaEngine
    private let board: BoardProfile
    private let business: PhoneNumber
    private let ringer: Ringer?
    private var hook: HookSwitch?
    /// Inbound calls ringing the handset, oldest first: lifting it answers the first.
    private var ringing: [CallHandle] = []
    private var current: HandsetCall?
    /// Quality of calls whose media ended before their record was written (a hang-up ends
    /// the audio at once; the record follows Meta's answer to terminate).
    private var finishedQuality: [CallHandle: String] = [:]
    private let log = Logger("handset")

    init(board: BoardProfile, business: PhoneNumber, calls: CallController, journal: Journal,
         media: MediaEngine, loop: EventLoop) throws {
        self.board = board
        self.business = business
        self.calls = calls
        self.journal = journal
        self.media = media
        // The simulated board's microphone is a file; until someone puts audio there it is
        // silent rather than missing, so lifting the handset in the demo still answers.
        if case let .rawFile(path) = board.audio.capture, access(path, F_OK) != 0 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
            if descriptor >= 0 { close(descriptor) }
        }
        ringer = try Ringer(output: board.ringer, audio: board.audio, loop: loop)
        hook = try HookSwitch.open(board.hook, loop: loop) { [weak self] state in self?.hookChanged(state) }
    }

    var isOffHook: Bool { hook?.state == .offHook }

    // MARK: hook switch

    private func hookChanged(_ state: HookState) {
        log.info("hook \(state.rawValue)")
        switch state {
        case .offHook:
            guard current == nil, let call = ringing.first else { return }
            answer(call)
        case .onHook:
            guard let call = current?.handle else { return }
            calls.handleNow(.hangup(.handle(call)))
            tearDown(call)
        }
    }

    /// Answers a ringing call on the handset (lifting it, or "Send to desk handset").
    @discardableResult
    func answer(_ call: CallHandle) -> CallEventResult {
        guard current == nil else { return CallEventResult() }
        guard let key = calls.key(of: call), let offer = (try? journal.callSessions.session(callKey: key))??.offerSDP else {
            log.error("no offer stored for the ringing call", ["call": "\(call)"])
            return CallEventResult()
        }
        let opened: MediaCall
        do {
            opened = try media.answer(offer: offer)
        } catch {
            log.error("cannot answer the call's SDP", ["call": key, "error": "\(error)"])
            return calls.handleNow(.decline(.handle(call)))
        }
        guard start(call, opened, ringback: false, answeredAt: MonotonicClock.nanoseconds()) else { return CallEventResult() }
        let result = calls.handleNow(.answer(.handle(call), .handset),
                                     session: .answered(by: .handset, answerSDP: opened.localDescription))
        if result.refusal != nil { tearDown(call) }
        return result
    }

    /// Places a call "via handset": the box offers, the earpiece rings back meanwhile.
    func dial(_ to: WhatsAppUser) -> CallEventResult {
        guard current == nil else { return CallEventResult() }
        let opened: MediaCall
        do {
            opened = try media.offer()
        } catch {
            log.error("cannot make an offer", ["error": "\(error)"])
            return CallEventResult()
        }
        let result = calls.handleNow(.dial(Dial(to: to, from: business, by: .handset)),
                                     session: .opened(direction: .outbound, remote: to, business: business,
                                                      offeredAt: Instant(unixMilliseconds: WallClock.milliseconds()),
                                                      offerSDP: opened.localDescription, callerName: nil))
        // A permission refusal is logged by the call controller; Meta never hears of the call.
        guard let handle = result.handle, result.refusal == nil, start(handle, opened, ringback: true) else {
            media.close(opened.id)
            return result
        }
        return result
    }

    private func start(_ call: CallHandle, _ opened: MediaCall, ringback: Bool, answeredAt: Int64? = nil) -> Bool {
        ringer?.stop()
        let path = HandsetAudioPath(call: opened.audio, rate: board.audio.rate, ringback: ringback)
        let audio = AudioThread(profile: board.audio, handler: path)
        do {
            try audio.start()
        } catch {
            log.error("cannot start the handset's audio", ["error": "\(error)"])
            media.close(opened.id)
            return false
        }
        current = HandsetCall(handle: call, media: opened, audio: audio, path: path, answeredAt: answeredAt)
        return true
    }

    private func tearDown(_ call: CallHandle) {
        guard let active = current, active.handle == call else { return }
        current = nil
        active.audio.stop()
        media.close(active.media.id)
        finishedQuality[call] = quality(of: active)
        if !ringing.isEmpty { startRinger() }
    }

    /// The widget's keypad (and `/dev/calls/…/dtmf`): RFC 4733 digits on the handset's call.
    func send(digits: String, on call: CallHandle) -> Bool {
        guard let active = current, active.handle == call else { return false }
        return active.media.audio.send(digits: digits)
    }

    /// The far end hears silence while muted; RTP keeps flowing (spec §6.2).
    func setMuted(_ muted: Bool, on call: CallHandle) -> Bool {
        guard let active = current, active.handle == call else { return false }
        active.media.audio.isMuted = muted
        return true
    }

    // MARK: media events (event loop)

    func mediaEvent(_ event: MediaEvent) {
        guard let active = current else { return }
        switch event {
        case let .connected(id) where id == active.media.id:
            calls.handleNow(.mediaConnected(.handle(active.handle)))
        case let .failed(id, failure) where id == active.media.id:
            log.warning("handset media lost", ["reason": failure.code])
            calls.handleNow(.mediaLost(.handle(active.handle)))
        case let .dtmf(id, digit) where id == active.media.id:
            log.info("DTMF from the far end", ["digit": String(digit)])
        default:
            break
        }
    }

    // MARK: CallMediaHandler

    func ring(_ call: CallHandle) {
        guard calls.table.slot(call)?.direction == .inbound else { return }
        if !ringing.contains(call) { ringing.append(call) }
        if current == nil {
            if isOffHook {
                answer(call)
            } else {
                startRinger()
            }
        }
    }

    private func startRinger() {
        do {
            try ringer?.start()
        } catch {
            log.error("cannot ring", ["error": "\(error)"])
        }
    }

    func stopRinging(_ call: CallHandle) {
        ringing.removeAll { $0 == call }
        if ringing.isEmpty { ringer?.stop() }
    }

    func startMedia(_ call: CallHandle) {
        guard let active = current, active.handle == call else { return }
        media.enableSending(active.media.id)
    }

    func stopMedia(_ call: CallHandle) {
        tearDown(call)
    }

    func callChanged(_ call: CallHandle, to state: CallState) {
        if state.name == .active, let active = current, active.handle == call { active.path.stopRingback() }
        if state.name.isTerminal {
            stopRinging(call)
            tearDown(call)
            finishedQuality[call] = nil
        }
    }

    func remoteAnswer(_ call: CallHandle, sdp: String) {
        guard let active = current, active.handle == call else { return }
        do {
            try media.apply(answer: sdp, to: active.media.id)
        } catch {
            log.error("Meta's answer is unusable", ["error": "\(error)"])
            calls.handleNow(.mediaLost(.handle(call)))
        }
    }

    func quality(of call: CallHandle) -> String? {
        guard let active = current, active.handle == call else { return finishedQuality[call] }
        return quality(of: active)
    }

    /// The media's quality with the handset's timing (DESIGN §6: the delay the box adds).
    private func quality(of active: HandsetCall) -> String {
        var quality = active.media.quality
        let period = Double(board.audio.period.milliseconds)
        let ahead = board.audio.pacing == .device ? Double(Self.devicePlaybackPeriodsAhead) * period : 0
        var firstAudio: Double?
        if let answeredAt = active.answeredAt, let heard = quality.audio.firstAudioNanoseconds {
            firstAudio = Double(heard - answeredAt) / 1_000_000
        }
        quality.handset = CallQuality.HandsetTiming(capturePeriodMilliseconds: period, playbackLeadMilliseconds: ahead,
                                                    offhookToFirstAudioMilliseconds: firstAudio)
        return quality.json
    }
}
