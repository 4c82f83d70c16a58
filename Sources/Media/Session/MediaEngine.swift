import Runtime

/// The box's WebRTC media: a thread of its own running an event loop for every call's
/// sockets, ICE, DTLS and RTCP, so a slow journal commit on the main loop never delays a
/// packet. The main loop talks to it with commands; it answers with `MediaEvent`s through
/// the main loop's inbox. SDP is built on the caller's thread, so an answer is ready at once.
public final class MediaEngine {
    /// What the main loop asks of the media thread.
    private enum Command: @unchecked Sendable {
        // @unchecked: a session is built on the main loop and not touched there again
        // once sent; from then on only the media thread uses it.
        case start(MediaSession)
        case remoteDescription(MediaCallID, RemoteMedia)
        case enableSending(MediaCallID)
        case close(MediaCallID)
        case stop
    }

    /// Everything the media thread owns, handed to it once at start.
    private final class MediaThreadState: @unchecked Sendable {
        // @unchecked: built on the main loop before the thread starts (pthread_create
        // orders it), then used by the media thread alone.
        let loop = EventLoop()
        var sessions: [MediaCallID: MediaSession] = [:]
        var commands: LoopInbox<Command>?
    }

    private let state = MediaThreadState()
    private let thread: OSThread
    private let certificate: DtlsCertificate
    private let addresses: [SocketAddress]
    private let events: LoopInbox<MediaEvent>
    private var calls: [MediaCallID: MediaCall] = [:]
    private var nextID: UInt32 = 1
    private let log = Logger("media")

    /// `addresses` are the local addresses offered as host candidates (a port is chosen per
    /// call); `onEvent` runs on the calling (main) loop.
    public init(certificate: DtlsCertificate, addresses: [SocketAddress], loop: EventLoop,
                onEvent: @escaping (MediaEvent) -> Void) {
        self.certificate = certificate
        self.addresses = addresses
        events = LoopInbox(loop: loop, handler: onEvent)
        let state = state
        let events = events
        state.commands = LoopInbox(loop: state.loop) { command in
            Self.perform(command, in: state, events: events)
        }
        state.loop.addPreparation {
            let now = MonotonicClock.milliseconds()
            var wait: Int64?
            for session in state.sessions.values {
                if let next = session.tick(now: now) { wait = min(wait ?? next, next) }
            }
            return wait
        }
        thread = OSThread { state.loop.run() }
        thread.start()
    }

    deinit {
        state.commands?.send(.stop)
        thread.join()
    }

    /// Stops the media thread; every call's media ends.
    public func shutDown() {
        state.commands?.send(.stop)
        thread.join()
    }

    // MARK: calls (main loop)

    /// Answers the far end's offer (an inbound call, spec §6.2): returns the call's media
    /// with the SDP answer to send in pre_accept and accept.
    public func answer(offer text: String, iceMode: IceMode = .full) throws(MediaSetupError) -> MediaCall {
        let offer: SessionDescription
        do {
            offer = try SessionDescription.parse(text)
        } catch {
            throw .badRemoteDescription("\(error)")
        }
        return try start(side: .answerer, remote: offer, iceMode: iceMode)
    }

    /// Makes an offer (an outbound call, spec §6.2); the answer comes later with `apply`.
    public func offer(iceMode: IceMode = .full) throws(MediaSetupError) -> MediaCall {
        try start(side: .offerer, remote: nil, iceMode: iceMode)
    }

    /// The far end's answer to our offer (Meta's, from the connect webhook); an answer the
    /// media cannot use is refused here, with its reason.
    public func apply(answer text: String, to call: MediaCallID) throws(MediaSetupError) {
        guard calls[call] != nil else { throw .unknownCall(call) }
        let description: SessionDescription
        do {
            description = try SessionDescription.parse(text)
        } catch {
            throw .badRemoteDescription("\(error)")
        }
        state.commands?.send(.remoteDescription(call, try RemoteMedia(description)))
    }

    /// From now on audio goes to the far end (after `accept` returned 200, spec §3.1).
    public func enableSending(_ call: MediaCallID) {
        state.commands?.send(.enableSending(call))
    }

    /// Ends the call's media; the returned handle still reads its final quality.
    @discardableResult
    public func close(_ call: MediaCallID) -> MediaCall? {
        state.commands?.send(.close(call))
        return calls.removeValue(forKey: call)
    }

    public func call(_ id: MediaCallID) -> MediaCall? { calls[id] }

    private func start(side: MediaSession.Side, remote: SessionDescription?, iceMode: IceMode) throws(MediaSetupError) -> MediaCall {
        let id = MediaCallID(raw: nextID)
        nextID &+= 1
        let session = try MediaSession(id: id, side: side, iceMode: iceMode, remote: remote,
                                       addresses: addresses.map { SocketAddress(ip: $0.ip, port: 0) },
                                       certificate: certificate, wakeNetwork: state.loop.waker)
        let call = MediaCall(id: id, localDescription: session.localDescription, audio: session.audio, board: session.board)
        calls[id] = call
        state.commands?.send(.start(session))
        log.info("media session opened", ["call": "\(id)", "side": side == .answerer ? "answer" : "offer"])
        return call
    }

    // MARK: media thread

    private static func perform(_ command: Command, in state: MediaThreadState, events: LoopInbox<MediaEvent>) {
        let now = MonotonicClock.milliseconds()
        switch command {
        case let .start(session):
            session.emit = { events.send($0) }
            state.sessions[session.id] = session
            for (descriptor, socket) in session.descriptors {
                state.loop.watch(descriptor, for: .readable) { [weak session] _ in
                    session?.readable(socket, now: MonotonicClock.milliseconds())
                }
            }
        case let .remoteDescription(id, description):
            guard let session = state.sessions[id] else { return }
            do {
                try session.apply(description, now: now)
            } catch {
                events.send(.failed(id, .iceFailed("\(error)")))
            }
        case let .enableSending(id):
            state.sessions[id]?.enableSending()
        case let .close(id):
            guard let session = state.sessions.removeValue(forKey: id) else { return }
            for (descriptor, _) in session.descriptors { state.loop.unwatch(descriptor) }
            session.close(now: now)
        case .stop:
            for session in state.sessions.values {
                for (descriptor, _) in session.descriptors { state.loop.unwatch(descriptor) }
                session.close(now: now)
            }
            state.sessions.removeAll()
            state.loop.stop()
        }
    }
}

/// A call's media as the main loop holds it: its SDP, its audio path for the audio
/// thread, and its quality so far.
public final class MediaCall: @unchecked Sendable {
    // @unchecked: immutable references; `board` is mutex-guarded, `audio` is built for
    // cross-thread use.
    public let id: MediaCallID
    public let localDescription: String
    public let audio: CallAudio
    private let board: QualityBoard

    init(id: MediaCallID, localDescription: String, audio: CallAudio, board: QualityBoard) {
        self.id = id
        self.localDescription = localDescription
        self.audio = audio
        self.board = board
    }

    public var quality: CallQuality {
        var quality = board.read()
        quality.audio = audio.statistics
        return quality
    }
}
