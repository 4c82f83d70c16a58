/// What rings for an incoming call (`[ringer] output`).
public enum RingerOutput: Hashable, Sendable {
    /// A ring tone played on an ALSA PCM (often the handset's own speaker or a loudspeaker).
    case alsa(pcm: String)
    /// A relay or buzzer on a GPIO line, driven on while ringing.
    case gpio(GPIOLine)
    /// Nothing rings; widgets still show the call.
    case none

    static func parse(_ text: String, dataDirectory: String) -> ValueParse<RingerOutput> {
        let expected = ValueProblem("alsa:PCM, gpio:CHIP:LINE[:active_low] or none")
        if text == "none" { return .success(.none) }
        if text.hasPrefix("alsa:") {
            // PCM names contain ':' themselves (`plughw:1,0`), so everything after the first is the name.
            let pcm = text.dropFirst(5)
            return pcm.isEmpty ? .failure(expected) : .success(.alsa(pcm: String(pcm)))
        }
        if text.hasPrefix("gpio:"), let line = GPIOLine.parse(text.dropFirst(5), dataDirectory: dataDirectory) {
            return .success(.gpio(line))
        }
        return .failure(expected)
    }
}
