/// How one kind of handset hardware is wired: its audio PCMs, hook switch and ringer
/// (`Board/*.conf`, or a profile file named by `[box] board`). Relative paths inside a
/// profile (raw audio files, the hook FIFO) are inside `data_dir`, so one profile serves
/// every box.
public struct BoardProfile: Hashable, Sendable {
    /// Where the profile came from (`built-in:Board/simulated.conf` or a path), for messages.
    public var source: String
    public var audio: AudioProfile
    public var hook: HookSource
    public var ringer: RingerOutput

    /// Parses and validates a profile; every problem is reported at `file`'s lines.
    public static func parse(bytes: [UInt8], file: String, dataDirectory: String) -> Result<BoardProfile, ConfigProblems> {
        let (profile, problems) = read(bytes: bytes, file: file, dataDirectory: dataDirectory)
        guard let profile, problems.isEmpty else { return .failure(ConfigProblems(problems)) }
        return .success(profile)
    }

    static func read(bytes: [UInt8], file: String, dataDirectory: String) -> (BoardProfile?, [ConfigProblem]) {
        let parsed = ConfigFile(bytes: bytes, file: file)
        let check = SchemaCheck(parsed, schema: ConfigSchema.boardSections)
        var audioReader = check.reader(ConfigSchema.audio)
        var hookReader = check.reader(ConfigSchema.hook)
        var ringerReader = check.reader(ConfigSchema.ringer)
        let audio = AudioProfile.read(&audioReader, dataDirectory: dataDirectory)
        let hook = hookReader.value("source") { HookSource.parse($0, dataDirectory: dataDirectory) }
        let ringer = ringerReader.value("output") { RingerOutput.parse($0, dataDirectory: dataDirectory) }
        let problems = parsed.problems + check.problems + audioReader.problems + hookReader.problems + ringerReader.problems
        let profile = BoardProfile(source: file, audio: audio, hook: hook ?? .none, ringer: ringer ?? .none)
        return (problems.isEmpty ? profile : nil, problems)
    }
}
