import Media
import Runtime

/// Reads `Tests/Fixtures/sdp/<name>` from the source tree, found from this file's own path so
/// the tests need no SwiftPM resources.
///
/// How the real samples were made (one-off scripts, kept out of the repository):
/// - aiortc-offer.sdp: aiortc 1.16.0 in a throwaway venv, an RTCPeerConnection with one sendrecv
///   audio transceiver, createOffer + setLocalDescription, `aioice.ice.get_host_addresses`
///   replaced to return ["127.0.0.1"] so it gathers one loopback candidate.
/// - aiortc-answer.sdp: the same aiortc answering meta-offer.sdp.
/// - chromium-offer.sdp / chromium-answer.sdp: Debian's Chromium 156 (/usr/bin/chromium) driven by
///   Playwright (PyPI), headless with --no-sandbox --use-fake-device-for-media-stream
///   --use-fake-ui-for-media-stream, on a page served for http://localhost/ (getUserMedia needs a
///   secure context); getUserMedia({audio: true}), createOffer (or createAnswer to
///   meta-offer.sdp), setLocalDescription, wait for iceGatheringState "complete".
/// - handwritten-firefox-shaped-lf.sdp: written by hand in Firefox's shape (session-level
///   fingerprint, mDNS and srflx candidates, a rejected bundle-only video section, LF line ends).
/// - callbox-answer-to-meta-offer.sdp: written by hand from spec §6.2; the builder must match it.
enum SDPFixture {
    static let directory: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures/sdp/"
    }()

    static let names = [
        "meta-offer.sdp", "meta-answer.sdp", "box-offer.sdp", "box-answer.sdp", "aiortc-offer.sdp", "aiortc-answer.sdp",
        "chromium-offer.sdp", "chromium-answer.sdp", "handwritten-firefox-shaped-lf.sdp", "callbox-answer-to-meta-offer.sdp",
    ]

    static func text(_ name: String) -> String {
        guard let bytes = FileContents.read(directory + name) else { fatalError("missing fixture \(name)") }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parsed(_ name: String) throws -> SessionDescription {
        try SessionDescription.parse(text(name))
    }

    /// The box's parameters in the fixtures (box-offer.sdp, callbox-answer-to-meta-offer.sdp).
    static let boxFingerprint: [UInt8] = [0x1F, 0x3A, 0x5C, 0x7E, 0x90, 0xB2, 0xD4, 0xF6]
        + Array(repeating: [0x18, 0x3A, 0x5C, 0x7E, 0x90, 0xB2, 0xD4, 0xF6], count: 3).flatMap { $0 }
    static let boxCandidate = SDPCandidate(foundation: "1", component: 1, transport: .udp, priority: 2_130_706_431, address: "192.168.1.40", port: 50_000, type: .host)

    static func local(candidates: [SDPCandidate] = [boxCandidate]) throws -> LocalMediaParameters {
        try LocalMediaParameters(
            sessionID: 7_301_129_584_400_391, ufrag: "cbx4", pwd: "Zr8qN2vX6tL0pW4yK7mB1sDe", fingerprintSHA256: boxFingerprint,
            candidates: candidates, ssrc: 3_735_928_559, cname: "callbox")
    }
}
