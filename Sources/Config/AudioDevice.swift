/// One direction of the handset's audio (`[audio] playback` / `capture`).
///
/// `file:PATH` is a raw audio file (S16_LE at the profile's rate and channels, no header)
/// inside `data_dir`. ALSA PCM definitions cannot be written in our INI syntax, so the
/// daemon builds one from `alsaDefinition(name:direction:)`: ALSA's `file` plugin over a
/// `null` slave. Playback and capture need separate PCMs: the plugin writes every frame of
/// either direction to its `file`, so a capture PCM writing to the playback file would
/// overwrite it; the capture PCM's copy goes to /dev/null. The `null` slave does not pace,
/// which is why such a profile must say `pacing = clock`.
public enum AudioDevice: Hashable, Sendable {
    /// An ALSA PCM name: `default`, `plughw:CARD=Device,DEV=0`.
    case pcm(String)
    /// A raw file, absolute path.
    case rawFile(String)

    public enum Direction: Hashable, Sendable { case playback, capture }

    static let filePrefix = "file:"

    static func parse(_ text: String, dataDirectory: String) -> ValueParse<AudioDevice> {
        guard text.hasPrefix(filePrefix) else {
            guard !text.contains(where: \.isConfigSpace) else {
                return .failure(ValueProblem("an ALSA PCM name such as plughw:CARD=Device,DEV=0, or file:PATH for a raw audio file"))
            }
            return .success(.pcm(text))
        }
        let path = text.dropFirst(filePrefix.count)
        guard !path.isEmpty else { return .failure(ValueProblem("file:PATH, a raw audio file inside data_dir")) }
        return .success(.rawFile(ConfigPath.resolve(String(path), against: dataDirectory)))
    }

    /// The text to give `snd_config_load` (then `snd_pcm_open_lconf` with `name`) for a raw
    /// file; nil for a PCM name, which ALSA already knows.
    public func alsaDefinition(name: String, direction: Direction) -> String? {
        guard case .rawFile(let path) = self else { return nil }
        let file = direction == .playback ? path : "/dev/null"
        let input = direction == .capture ? " infile \(Self.alsaString(path))" : ""
        return "pcm.\(name) { type file slave.pcm null file \(Self.alsaString(file))\(input) format raw }"
    }

    /// A double-quoted ALSA config string.
    static func alsaString(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
