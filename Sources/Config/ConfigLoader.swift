/// Turns `callbox.conf` (and the secrets file and board profile it names) into a
/// `LoadedConfig`, or into every problem found across all three files.
public enum ConfigLoader {
    /// Loads the config at `path`; relative paths inside it are relative to its folder.
    public static func load(path: String) -> Result<LoadedConfig, ConfigProblems> {
        switch FileReader.read(path) {
        case .success(let contents):
            return load(bytes: contents.bytes, file: path, directory: ConfigPath.directory(of: path))
        case .failure(let problem):
            return .failure(ConfigProblems([ConfigProblem(file: path, line: ConfigProblem.fileLevelLine, message: problem.expected)]))
        }
    }

    /// Loads the built-in demo config. It has no folder of its own, so its relative paths
    /// (`data_dir = demo-data`) are relative to `workingDirectory`: the demo keeps its state
    /// where it was started (the current directory unless given).
    public static func loadDemo(workingDirectory: String? = nil) -> Result<LoadedConfig, ConfigProblems> {
        load(bytes: BuiltInConfig.demo, file: BuiltInConfig.demoSource,
             directory: workingDirectory ?? ConfigPath.currentDirectory())
    }

    /// Loads config text already in memory, named `file` in messages, with relative paths
    /// resolved against `directory`.
    public static func load(bytes: [UInt8], file: String, directory: String) -> Result<LoadedConfig, ConfigProblems> {
        let parsed = ConfigFile(bytes: bytes, file: file)
        let check = SchemaCheck(parsed, schema: ConfigSchema.configSections)
        var problems = parsed.problems + check.problems

        var whatsappReader = check.reader(ConfigSchema.whatsapp)
        let whatsapp = WhatsAppSettings.read(&whatsappReader)
        var boxReader = check.reader(ConfigSchema.box)
        if !whatsapp.isSandbox {
            boxReader.requireKey("secrets", because: "it is required unless [whatsapp] graph_url = sandbox")
        }
        let box = BoxSettings.read(&boxReader, configDirectory: directory)
        var httpReader = check.reader(ConfigSchema.http)
        let http = HTTPSettings.read(&httpReader, configDirectory: directory)
        // Meta delivers webhooks and HubSpot frames the widget only over HTTPS.
        if !whatsapp.isSandbox, let url = http.publicURL, !url.isSecure {
            httpReader.report(httpReader.line(of: "public_url"),
                              "public_url must be https:// unless [whatsapp] graph_url = sandbox: Meta and HubSpot only reach a box over HTTPS")
        }
        var hubspotReader = check.reader(ConfigSchema.hubspot)
        let hubspot = HubSpotSettings.read(&hubspotReader)
        var permissionsReader = check.reader(ConfigSchema.permissions)
        let permissions = PermissionSettings.read(&permissionsReader)
        var routingReader = check.reader(ConfigSchema.routing)
        let routing = RoutingSettings.read(&routingReader)
        var mediaReader = check.reader(ConfigSchema.media)
        let media = MediaSettings.read(&mediaReader)
        var devReader = check.reader(ConfigSchema.dev)
        let dev = DevSettings.read(&devReader)
        for reader in [whatsappReader, boxReader, httpReader, hubspotReader, permissionsReader, routingReader, mediaReader, devReader] {
            problems += reader.problems
        }

        let (agents, agentProblems) = readAgents(check)
        problems += agentProblems

        var board: BoardProfile?
        if let reference = box.board {
            let (profile, boardProblems) = loadBoard(reference, dataDirectory: box.dataDirectory)
            board = profile
            problems += boardProblems
        }

        var secrets: Secrets?
        if let path = box.secretsPath {
            let (loaded, secretProblems) = Secrets.load(path: path, isSandbox: whatsapp.isSandbox)
            secrets = loaded
            problems += secretProblems
        } else if whatsapp.isSandbox {
            secrets = .sandbox
        }

        guard problems.isEmpty, let secrets else { return .failure(ConfigProblems(problems)) }
        return .success(LoadedConfig(
            source: file, box: box, http: http, whatsapp: whatsapp, hubspot: hubspot, permissions: permissions,
            routing: routing, agents: agents, media: media, dev: dev, board: board, secrets: secrets))
    }

    /// Every `[agent NAME]`; two agents cannot share a login.
    private static func readAgents(_ check: SchemaCheck) -> ([AgentSettings], [ConfigProblem]) {
        var agents: [AgentSettings] = []
        var problems: [ConfigProblem] = []
        var emails: [String: String] = [:]
        for var reader in check.namedReaders(ConfigSchema.agent) {
            if let agent = AgentSettings.read(&reader) {
                if let other = emails[agent.email] {
                    reader.report(reader.line(of: "email"), "email '\(agent.email)' is already used by [agent \(other)]")
                } else {
                    emails[agent.email] = agent.name
                    agents.append(agent)
                }
            }
            problems += reader.problems
        }
        return (agents, problems)
    }

    /// A built-in profile, or a profile file (problems reading it are at its line 1).
    static func loadBoard(_ reference: BoardReference, dataDirectory: String) -> (BoardProfile?, [ConfigProblem]) {
        switch reference {
        case .builtIn(let name):
            guard let bytes = BuiltInBoards.text(named: name) else { return (nil, []) }
            return BoardProfile.read(bytes: bytes, file: BuiltInBoards.source(named: name), dataDirectory: dataDirectory)
        case .file(let path):
            switch FileReader.read(path) {
            case .success(let contents):
                return BoardProfile.read(bytes: contents.bytes, file: path, dataDirectory: dataDirectory)
            case .failure(let problem):
                return (nil, [ConfigProblem(file: path, line: ConfigProblem.fileLevelLine, message: problem.expected)])
            }
        }
    }
}
