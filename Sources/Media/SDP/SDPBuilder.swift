/// Writes the box's own SDP as spec §6.2 describes: one audio section, Opus and
/// telephone-event/8000, rtcp-mux, BUNDLE, one sha-256 fingerprint, CRLF line ends. The output
/// depends only on the inputs, so `pre_accept` and `accept` can carry byte-identical SDP.
public enum SDPBuilder {
    /// The payload types we offer: Chrome's Opus number and Meta's telephone-event number (spec §6.1).
    public static let offeredOpusPayloadType: UInt8 = 111
    public static let offeredTelephoneEventPayloadType: UInt8 = 126
    /// Opus fmtp (RFC 7587 §6.1): 10 ms minimum packets, in-band FEC on, as Meta's Graph sample writes.
    static let opusFormatParameters = "minptime=10;useinbandfec=1"
    /// RFC 7587 §7: Opus is always written opus/48000/2, whatever the channel count sent.
    static let opusEncoding = "opus/48000/2"
    /// RFC 4733 §7.1.1; Meta handles the 8000 Hz clock (spec §6.1), which our offer names. An
    /// answer names the rate the offer gave (8000 first, else 48000).
    static let telephoneEventClockRate: UInt32 = 8_000
    /// RFC 8866 §6.4: we send and prefer 20 ms Opus frames, as Meta's own offers ask.
    static let packetTime = 20
    /// RFC 8839 §4.2.1.1 / RFC 8829 §5.2.1: with no candidate to name, port 9 and 0.0.0.0.
    static let placeholderPort: UInt16 = 9
    static let placeholderAddress = "IN IP4 0.0.0.0"
    /// RFC 8829 §5.2.1: the session version of a fresh description; ours never changes (no renegotiation, spec §6.2).
    static let sessionVersion = 2

    /// The answer to a peer's offer (user-initiated calls: Meta offers, the box answers).
    /// `setup` is our DTLS role: `.active` (spec §6.2: the box sends the ClientHello) or `.passive`.
    /// `iceLite` adds `a=ice-lite`, for the sandbox peer that plays Meta with this same stack.
    public static func answer(to offer: SessionDescription, local: LocalMediaParameters, setup: SDPSetupRole = .active, iceLite: Bool = false) throws(SDPError) -> String {
        guard setup == .active || setup == .passive else {
            throw SDPError(.setupConflict, line: 0, "expected active or passive as our role in an answer (RFC 8842 §5.2), found \(setup.rawValue)")
        }
        guard let audio = offer.audioSection else {
            throw SDPError(.noAudioSection, line: 0, "expected an audio section with a non-zero port in the offer, found none")
        }
        let line = audio.lines.first?.line ?? 0
        guard audio.transportProtocol == SDPMediaSection.webRTCProtocol else {
            throw SDPError(.unsupportedProtocol, line: line, "expected \(SDPMediaSection.webRTCProtocol) (DTLS-SRTP), found \(audio.transportProtocol)")
        }
        guard let opus = audio.opusPayloadType else {
            throw SDPError(.noOpus, line: line, "expected an opus/48000 payload type on the audio m= line, found none")
        }
        guard audio.iceUfrag != nil, audio.icePwd != nil else {
            throw SDPError(.noICECredentials, line: line, "expected a=ice-ufrag and a=ice-pwd for the audio section, found none")
        }
        guard audio.preferredFingerprint != nil else {
            throw SDPError(.noFingerprint, line: line, "expected an a=fingerprint with a hash OpenSSL checks, found none")
        }
        guard audio.rtcpMux else {
            throw SDPError(.noRTCPMux, line: line, "expected a=rtcp-mux (RFC 8829 §5.1.3: RTCP shares the RTP port), found none")
        }
        // RFC 4145 §4: an offer without a=setup means active.
        let offered = audio.setup ?? .active
        let compatible = offered == .actpass || (offered == .active && setup == .passive) || (offered == .passive && setup == .active)
        guard compatible else {
            throw SDPError(.setupConflict, line: line, "expected the offer's a=setup to allow us \(setup.rawValue), found \(offered.rawValue)")
        }

        var text = sessionHeader(local: local, iceLite: iceLite, bundle: audio.mid)
        for section in offer.mediaSections {
            if section == audio {
                let telephoneEvent = audio.telephoneEvent
                text += audioSection(local: local, mid: audio.mid, opus: opus, telephoneEvent: telephoneEvent, setup: setup, direction: audio.direction.answered)
            } else {
                text += rejectedSection(section)
            }
        }
        return text
    }

    /// Our offer (business-initiated calls): Opus 111, telephone-event 126, `a=setup:actpass`
    /// (Meta answers active, making the box the DTLS server, spec §6.2).
    public static func offer(local: LocalMediaParameters, mid: String = "0", iceLite: Bool = false) throws(SDPError) -> String {
        guard SDPText.isToken(mid) else {
            throw SDPError(.badLocalParameters, line: 0, "expected a mid that is an RFC 8866 token, found \(SDPText.quoted(mid))")
        }
        return sessionHeader(local: local, iceLite: iceLite, bundle: mid)
            + audioSection(local: local, mid: mid, opus: offeredOpusPayloadType,
                           telephoneEvent: (offeredTelephoneEventPayloadType, telephoneEventClockRate), setup: .actpass, direction: .sendrecv)
    }

    private static func sessionHeader(local: LocalMediaParameters, iceLite: Bool, bundle mid: String?) -> String {
        var text = "v=0\r\n"
        text += "o=- \(local.sessionID) \(sessionVersion) IN IP4 0.0.0.0\r\n"
        text += "s=-\r\n"
        text += "t=0 0\r\n"
        if iceLite { text += "a=ice-lite\r\n" }
        if let mid { text += "a=group:BUNDLE \(mid)\r\n" }
        return text
    }

    private static func audioSection(local: LocalMediaParameters, mid: String?, opus: UInt8, telephoneEvent: (payloadType: UInt8, clockRate: UInt32)?,
                                     setup: SDPSetupRole, direction: SDPDirection) -> String {
        let formats = [opus] + (telephoneEvent.map { [$0.payloadType] } ?? [])
        let (port, connection) = defaultCandidate(local.candidates)
        var text = "m=audio \(port) \(SDPMediaSection.webRTCProtocol) \(formats.map(String.init).joined(separator: " "))\r\n"
        text += "c=\(connection)\r\n"
        if let mid { text += "a=mid:\(mid)\r\n" }
        text += "a=ice-ufrag:\(local.ufrag)\r\n"
        text += "a=ice-pwd:\(local.pwd)\r\n"
        text += "a=fingerprint:\(SDPFingerprint(algorithm: SDPFingerprint.sha256, bytes: local.fingerprintSHA256).attributeValue)\r\n"
        text += "a=setup:\(setup.rawValue)\r\n"
        text += "a=\(direction.rawValue)\r\n"
        text += "a=rtcp-mux\r\n"
        text += "a=rtpmap:\(opus) \(opusEncoding)\r\n"
        text += "a=fmtp:\(opus) \(opusFormatParameters)\r\n"
        if let telephoneEvent { text += "a=rtpmap:\(telephoneEvent.payloadType) telephone-event/\(telephoneEvent.clockRate)\r\n" }
        text += "a=ptime:\(packetTime)\r\n"
        for candidate in local.candidates { text += "a=candidate:\(candidate.attributeValue)\r\n" }
        text += "a=end-of-candidates\r\n"
        text += "a=ssrc:\(local.ssrc) cname:\(local.cname)\r\n"
        return text
    }

    /// RFC 8839 §4.2.1.1: the m= port and c= address name the default candidate, here the
    /// first one. A host name (mDNS) cannot go in c=, so it gets the placeholder like no candidate.
    private static func defaultCandidate(_ candidates: [SDPCandidate]) -> (port: UInt16, connection: String) {
        guard let first = candidates.first else { return (placeholderPort, placeholderAddress) }
        switch first.addressKind {
        case .ipv4: return (first.port, "IN IP4 \(first.address)")
        case .ipv6: return (first.port, "IN IP6 \(first.address)")
        case .mdns, .hostName: return (placeholderPort, placeholderAddress)
        }
    }

    /// RFC 3264 §6: the answer has one m= line per offered one; those we do not take get port 0.
    private static func rejectedSection(_ section: SDPMediaSection) -> String {
        var text = "m=\(section.kind) 0 \(section.transportProtocol) \(section.formats.joined(separator: " "))\r\n"
        text += "c=\(placeholderAddress)\r\n"
        if let mid = section.mid { text += "a=mid:\(mid)\r\n" }
        return text
    }
}
