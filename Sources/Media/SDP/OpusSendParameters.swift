/// What the far end's SDP asks of the Opus we send it (RFC 7587 §6.1, RFC 8866 §6.4): read from
/// its `a=fmtp` for the Opus payload type and its `a=ptime`/`a=maxptime`. Real Meta offers write
/// `a=ptime:20`, `a=maxptime:20` and `maxaveragebitrate=20000;maxplaybackrate=16000;
/// sprop-maxcapturerate=16000` (spec §11.7). Values that do not parse are left out, never
/// refused: the defaults then apply.
public struct OpusSendParameters: Equatable, Sendable {
    /// Highest sample rate the far end renders; the encoder need not code above it.
    public var maxPlaybackRate: Int32?
    /// The far end's own capture rate: what it sends us is band-limited to it.
    public var spropMaxCaptureRate: Int32?
    /// Bits per second the far end wants at most.
    public var maxAverageBitrate: Int32?
    public var packetTimeMilliseconds: Int?
    public var maxPacketTimeMilliseconds: Int?

    public init(maxPlaybackRate: Int32? = nil, spropMaxCaptureRate: Int32? = nil, maxAverageBitrate: Int32? = nil,
                packetTimeMilliseconds: Int? = nil, maxPacketTimeMilliseconds: Int? = nil) {
        self.maxPlaybackRate = maxPlaybackRate
        self.spropMaxCaptureRate = spropMaxCaptureRate
        self.maxAverageBitrate = maxAverageBitrate
        self.packetTimeMilliseconds = packetTimeMilliseconds
        self.maxPacketTimeMilliseconds = maxPacketTimeMilliseconds
    }

    // The box sends 20 ms frames whatever ptime/maxptime say: they suit every value of 20 or
    // more, which is what Meta asks, and 20 ms is the only size the ALSA period makes.

    public init(section: SDPMediaSection) {
        self.init()
        packetTimeMilliseconds = Self.milliseconds(section, "ptime")
        maxPacketTimeMilliseconds = Self.milliseconds(section, "maxptime")
        guard let opus = section.opusPayloadType, let parameters = section.formatParameters(for: opus) else { return }
        for pair in parameters.split(separator: ";") {
            guard let (name, value) = SDPText.split(Substring(pair), at: UInt8(ascii: "=")) else { continue }
            let number = SDPText.number(Self.trimmed(value), as: Int32.self)
            switch Self.trimmed(name).lowercased() {
            case "maxplaybackrate": maxPlaybackRate = number
            case "sprop-maxcapturerate": spropMaxCaptureRate = number
            case "maxaveragebitrate": maxAverageBitrate = number
            default: continue
            }
        }
    }

    private static func milliseconds(_ section: SDPMediaSection, _ name: String) -> Int? {
        guard let value = section.attributes.last(where: { $0.name == name })?.value else { return nil }
        return SDPText.number(trimmed(Substring(value)), as: Int.self)
    }

    /// Browsers and SIP stacks write `a; b` as often as `a;b`.
    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
