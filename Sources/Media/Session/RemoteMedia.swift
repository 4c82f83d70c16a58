/// What the box takes from the far end's offer or answer, read and checked once on the event
/// loop, so an SDP the media cannot use is refused at once with its reason (and the call ended
/// cleanly) instead of failing later on the media thread.
struct RemoteMedia: Sendable {
    let ufrag: String
    let pwd: String
    let opusPayloadType: UInt8
    let telephoneEventPayloadType: UInt8?
    let fingerprint: DtlsFingerprint
    let setup: SDPSetupRole?
    let candidates: [SDPCandidate]
    /// `a=candidate` and `a=fingerprint` lines that could not be read and were skipped, for the log.
    let skippedLines: [Int]

    /// DTLS-SRTP over UDP (RFC 5764 §8), with or without RTCP feedback; SDES (`RTP/SAVP`, SIP
    /// only, spec §5.1) and plain RTP are not for this endpoint.
    static func isDTLSProtocol(_ name: String) -> Bool {
        let upper = name.uppercased()
        return upper == "UDP/TLS/RTP/SAVPF" || upper == "UDP/TLS/RTP/SAVP"
    }

    init(_ remote: SessionDescription) throws(MediaSetupError) {
        guard let section = remote.audioSection else { throw .badRemoteDescription("no audio section") }
        guard Self.isDTLSProtocol(section.transportProtocol) else {
            throw .badRemoteDescription("media protocol \(section.transportProtocol) is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)")
        }
        guard let ufrag = section.iceUfrag ?? remote.iceUfrag, let pwd = section.icePwd ?? remote.icePwd else {
            throw .badRemoteDescription("no ICE credentials")
        }
        guard let opus = section.opusPayloadType else { throw .badRemoteDescription("no Opus payload type") }
        guard let offered = section.preferredFingerprint ?? SDPFingerprint.preferred(among: remote.fingerprints),
              let algorithm = DtlsFingerprintAlgorithm(sdpName: offered.algorithm) else {
            throw .badRemoteDescription("no usable DTLS fingerprint")
        }
        self.ufrag = ufrag
        self.pwd = pwd
        opusPayloadType = opus
        telephoneEventPayloadType = section.telephoneEvent?.payloadType
        fingerprint = DtlsFingerprint(algorithm: algorithm, bytes: offered.bytes)
        setup = section.setup ?? remote.setup
        candidates = section.candidates
        skippedLines = (section.skippedCandidateLines + section.skippedFingerprintLines).sorted()
    }
}
