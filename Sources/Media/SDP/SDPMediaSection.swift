/// One `m=` section with its attributes. ICE credentials, fingerprints, setup, direction,
/// connection and end-of-candidates fall back to the session level when the section has none
/// (RFC 8839 §5.4, RFC 8122 §5, RFC 4145 §4, RFC 8866 §6.7), so readers need not look twice.
public struct SDPMediaSection: Equatable, Sendable {
    /// `audio`, `video`, `application`, …
    public let kind: String
    public let port: UInt16
    /// The `/<number of ports>` suffix of RFC 8866 §5.14, when written.
    public let portCount: UInt16?
    /// `UDP/TLS/RTP/SAVPF` for WebRTC media.
    public let transportProtocol: String
    /// As written on the `m=` line; payload types for RTP protocols.
    public let formats: [String]
    public let connection: SDPConnection?
    /// This section's attributes in order (session-level ones are on `SessionDescription`).
    public let attributes: [SDPAttribute]
    /// Every line of the section in order, from its `m=` line.
    public let lines: [SDPLine]
    public let mid: String?
    public let iceUfrag: String?
    public let icePwd: String?
    public let fingerprints: [SDPFingerprint]
    public let setup: SDPSetupRole?
    public let rtcpMux: Bool
    public let direction: SDPDirection
    public let rtpmaps: [SDPRTPMap]
    public let formatParameters: [SDPFormatParameters]
    public let candidates: [SDPCandidate]
    /// Lines of `a=candidate` attributes that could not be read, skipped (RFC 8839 §5.1).
    public let skippedCandidateLines: [Int]
    /// Lines of `a=fingerprint` attributes that could not be read, skipped (RFC 8122 §5).
    public let skippedFingerprintLines: [Int]
    public let endOfCandidates: Bool
    public let ssrcAttributes: [SDPSourceAttribute]
    /// Session-level extmaps first (RFC 8285 §5 lets them apply to every section), then this section's.
    public let extmaps: [SDPExtmap]

    /// The protocol of DTLS-SRTP media with RTCP feedback (RFC 5764 §8, RFC 8829 §5.1.2).
    public static let webRTCProtocol = "UDP/TLS/RTP/SAVPF"

    /// RTP profiles name payload types in the format list; others (SCTP) name anything.
    public var carriesRTP: Bool { transportProtocol.contains("RTP/") }

    public var payloadTypes: [UInt8] {
        carriesRTP ? formats.compactMap { SDPText.number(Substring($0), as: UInt8.self) } : []
    }

    public func rtpmap(for payloadType: UInt8) -> SDPRTPMap? {
        rtpmaps.first { $0.payloadType == payloadType }
    }

    /// The `a=fmtp` parameters of a payload type, as written.
    public func formatParameters(for payloadType: UInt8) -> String? {
        formatParameters.first { $0.payloadType == payloadType }?.parameters
    }

    /// The first payload type on the `m=` line mapped to opus/48000 (RFC 7587 §7).
    public var opusPayloadType: UInt8? { payloadType(named: "opus", clockRate: 48_000) }

    /// The first payload type on the `m=` line mapped to telephone-event at this clock rate
    /// (RFC 4733 §7.1.1).
    public func telephoneEventPayloadType(clockRate: UInt32) -> UInt8? {
        payloadType(named: "telephone-event", clockRate: clockRate)
    }

    /// The telephone-event the box takes from this section: 8000 Hz first (Meta's, spec §6.1),
    /// else 48000 Hz (spec §11.7: either may be offered), found by `a=rtpmap`, never by number.
    public var telephoneEvent: (payloadType: UInt8, clockRate: UInt32)? {
        for rate in Self.telephoneEventClockRates {
            if let payloadType = telephoneEventPayloadType(clockRate: rate) { return (payloadType, rate) }
        }
        return nil
    }

    /// In order of preference.
    static let telephoneEventClockRates: [UInt32] = [8_000, 48_000]

    public var preferredFingerprint: SDPFingerprint? { SDPFingerprint.preferred(among: fingerprints) }

    private func payloadType(named encoding: String, clockRate: UInt32) -> UInt8? {
        payloadTypes.first { rtpmap(for: $0)?.names(encoding, clockRate: clockRate) == true }
    }

    init(mediaLine: Substring, line: Int, lines: [SDPLine], scan: SDPAttributeScan, session: SDPAttributeScan, connection: SDPConnection?) throws(SDPError) {
        let fields = SDPText.fields(mediaLine)
        guard fields.count >= 4 else {
            throw SDPError(.badMediaLine, line: line, "expected m=<media> <port> <proto> <format>…, found \(fields.count) fields")
        }
        guard SDPText.isToken(fields[0]) else {
            throw SDPError(.badMediaLine, line: line, "expected a media type such as audio, found \(SDPText.quoted(fields[0]))")
        }
        let (portText, countText) = SDPText.split(fields[1], at: UInt8(ascii: "/")).map { ($0.0, Optional($0.1)) } ?? (fields[1], nil)
        guard let port = SDPText.number(portText, as: UInt16.self) else {
            throw SDPError(.badMediaLine, line: line, "expected a port of 0 to 65535, found \(SDPText.quoted(fields[1]))")
        }
        if let countText {
            guard let count = SDPText.number(countText, as: UInt16.self), count > 0 else {
                throw SDPError(.badMediaLine, line: line, "expected a port count after /, found \(SDPText.quoted(countText))")
            }
            portCount = count
        } else {
            portCount = nil
        }
        guard fields[2].split(separator: "/", omittingEmptySubsequences: false).allSatisfy({ SDPText.isToken($0) }) else {
            throw SDPError(.badMediaLine, line: line, "expected a protocol such as UDP/TLS/RTP/SAVPF, found \(SDPText.quoted(fields[2]))")
        }
        kind = String(fields[0])
        self.port = port
        transportProtocol = String(fields[2])
        let carriesRTP = transportProtocol.contains("RTP/")
        for format in fields[3...] {
            if carriesRTP {
                guard let payloadType = SDPText.number(format, as: UInt8.self), payloadType <= SDPRTPMap.maxPayloadType else {
                    throw SDPError(.badMediaLine, line: line, "expected payload types of 0 to 127, found \(SDPText.quoted(format))")
                }
            } else if !SDPText.isToken(format) {
                throw SDPError(.badMediaLine, line: line, "expected a format token, found \(SDPText.quoted(format))")
            }
        }
        formats = fields[3...].map(String.init)
        self.connection = connection
        attributes = scan.attributes
        self.lines = lines
        mid = scan.mid
        iceUfrag = scan.iceUfrag ?? session.iceUfrag
        icePwd = scan.icePwd ?? session.icePwd
        fingerprints = scan.fingerprints.isEmpty ? session.fingerprints : scan.fingerprints
        setup = scan.setup ?? session.setup
        rtcpMux = scan.rtcpMux
        direction = scan.direction ?? session.direction ?? .sendrecv
        rtpmaps = scan.rtpmaps
        formatParameters = scan.formatParameters
        candidates = scan.candidates
        skippedCandidateLines = scan.skippedCandidateLines
        skippedFingerprintLines = scan.skippedFingerprintLines
        endOfCandidates = scan.endOfCandidates || session.endOfCandidates
        ssrcAttributes = scan.ssrcAttributes
        extmaps = session.extmaps + scan.extmaps
    }
}
