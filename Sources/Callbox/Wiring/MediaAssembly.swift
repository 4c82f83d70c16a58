import Config
import Media
import Runtime

/// The box's own WebRTC media (ICE, DTLS-SRTP, RTP) and the events it reports, which the
/// handset and the sandbox's phone listen to. Built first: nothing it needs is built later.
struct MediaAssembly {
    let engine: MediaEngine
    let events = Broadcast<MediaEvent>()

    init(config: LoadedConfig, loop: EventLoop) throws {
        let certificate = try DtlsCertificate.loadOrCreate(directory: config.box.dataDirectory)
        let addresses = config.media.addresses.isEmpty
            ? IceCandidateGatherer.interfaceAddresses()
            : config.media.addresses.compactMap { SocketAddress(ipText: $0, port: 0) }
        let events = self.events
        engine = MediaEngine(certificate: certificate, addresses: addresses, loop: loop) { events.publish($0) }
    }
}
