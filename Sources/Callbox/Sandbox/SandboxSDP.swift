/// Meta-shaped SDP (spec §6.1) for the sandbox and `callbox simulate`, which signs webhooks
/// carrying it: ice-lite, one IPv4 and one IPv6 host candidate, one sha-256 fingerprint, Opus 111
/// and telephone-event 126.
public enum SandboxSDP {
    public static func offer(sessionID: Int64) -> String {
        lines(["v=0", "o=- \(sessionID) 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE audio",
               "a=msid-semantic: WMS 3b1f7c2e-5d", "a=ice-lite", "m=audio 3480 UDP/TLS/RTP/SAVPF 111 126",
               "c=IN IP4 157.240.19.130", "a=rtcp:9 IN IP4 0.0.0.0",
               "a=candidate:1146283461 1 udp 2113937151 157.240.19.130 3480 typ host generation 0 network-cost 50",
               "a=candidate:2389746142 1 udp 2113939711 2a03:2880:f22d:c4:face:b00c:0:167 3480 typ host generation 0 network-cost 50",
               "a=ice-ufrag:W8qG", "a=ice-pwd:Yq1hTmZyRbW2kB4tVf7pD9xL",
               "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
               "a=setup:actpass", "a=mid:audio", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=sendrecv",
               "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc",
               "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:126 telephone-event/8000", "a=ssrc:2711418412 cname:meta-relay"])
    }

    public static var answer: String {
        offer(sessionID: 1).replacingFirst("a=setup:actpass", with: "a=setup:active").replacingFirst("a=mid:audio", with: "a=mid:0")
    }

    /// An answer a business endpoint could give (active, no ice-lite), for `simulate answer`.
    public static let businessAnswer = lines([
        "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE audio",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 126", "c=IN IP4 0.0.0.0", "a=ice-ufrag:box1", "a=ice-pwd:boxpasswordboxpassword12",
        "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
        "a=setup:active", "a=mid:audio", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:126 telephone-event/8000"])

    /// The same endpoint offering (actpass), for `simulate dial`.
    public static var businessOffer: String { businessAnswer.replacingFirst("a=setup:active", with: "a=setup:actpass") }

    private static func lines(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }
}
