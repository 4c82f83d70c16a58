import Glibc
import Testing
@testable import Config

/// The repository's own files: what installers copy and what the binary embeds.
@Suite struct ShippedFilesTests {
    /// The repository root, found from this file's path (Tests/ConfigTests/…).
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }()

    static func bytes(_ relative: String) -> [UInt8]? {
        switch FileReader.read(root + "/" + relative) {
        case .success(let contents): contents.bytes
        case .failure: nil
        }
    }

    @Test func embeddedFilesMatchTheRepository() {
        #expect(BuiltInBoards.text(named: "simulated") == Self.bytes("Board/simulated.conf"))
        #expect(BuiltInBoards.text(named: "usb-handset") == Self.bytes("Board/usb-handset.conf"))
        #expect(BuiltInConfig.demo == Self.bytes("Provisioning/demo.conf"))
        #expect(BuiltInBoards.text(named: "nonexistent") == nil)
        #expect(BuiltInBoards.names.allSatisfy { Self.bytes("Board/\($0).conf") != nil })
    }

    @Test func demoConfigLoadsWithItsDataInTheWorkingDirectory() throws {
        let demo = try ConfigLoader.loadDemo(workingDirectory: "/home/someone/try").get()
        #expect(demo.source == "built-in:Provisioning/demo.conf")
        #expect(demo.box.name == "Callbox demo")
        #expect(demo.box.dataDirectory == "/home/someone/try/demo-data")
        #expect(demo.box.maxCalls == 8)
        #expect(demo.http.listen.description == "127.0.0.1:8080")
        #expect(demo.http.publicURL?.description == "http://127.0.0.1:8080")
        #expect(demo.whatsapp.isSandbox)
        #expect(demo.dev.hostSimulator)
        #expect(demo.board?.hook == .fifo(path: "/home/someone/try/demo-data/hook"))
        #expect(demo.board?.source == "built-in:Board/simulated.conf")
        #expect(demo.agents.map(\.name) == ["demo"])
        #expect(demo.agents.first?.passwordHash.scheme == .scrypt)
        #expect(demo.secrets == Secrets.sandbox)
    }

    @Test func exampleConfigIsClean() throws {
        // The example names /etc/callbox/secrets.conf; check it with a private copy beside it.
        let folder = TempFolder()
        let example = String(decoding: Self.bytes("Provisioning/callbox.conf.example") ?? [], as: UTF8.self)
        #expect(example.contains("secrets = /etc/callbox/secrets.conf"))
        folder.write("secrets.conf", String(decoding: Self.bytes("Provisioning/secrets.conf.example") ?? [], as: UTF8.self), mode: 0o600)
        let local = example.replacingFirst("secrets = /etc/callbox/secrets.conf", with: "secrets = secrets.conf")
        #expect(folder.problems(local) == [])
        let loaded = try folder.load(local).get()
        #expect(loaded.agents.count == 1)
        #expect(loaded.board?.source == "built-in:Board/usb-handset.conf")
    }

    @Test func exampleDocumentsEveryKey() {
        let example = String(decoding: Self.bytes("Provisioning/callbox.conf.example") ?? [], as: UTF8.self)
        for section in ConfigSchema.configSections {
            #expect(example.contains(section.isNamed ? "[\(section.name) " : "[\(section.name)]"), "[\(section.name)]")
            for key in section.keys {
                #expect(example.contains("\n\(key.name) = ") || example.contains("\n# \(key.name) = "), "\(section.name).\(key.name)")
            }
        }
        let secrets = String(decoding: Self.bytes("Provisioning/secrets.conf.example") ?? [], as: UTF8.self)
        for key in ConfigSchema.secretKeys { #expect(secrets.contains("\n\(key) = "), "\(key)") }
    }

    @Test func defaultsApplied() throws {
        let folder = TempFolder()
        let loaded = try folder.load(sandboxConfig).get()
        #expect(loaded.box.maxCalls == 8)
        #expect(loaded.box.board == nil && loaded.board == nil)
        #expect(loaded.http.maxBody == 1 << 20)
        #expect(loaded.http.tls == nil && loaded.http.publicURL == nil)
        // Extra origins only: HubSpot's own are always allowed by the widget server.
        #expect(loaded.http.frameAncestors == [])
        #expect(loaded.whatsapp.graphVersion == "v24.0")
        #expect(loaded.hubspot.apiURL.description == "https://api.hubapi.com")
        #expect(loaded.hubspot.logMessages)
        #expect(loaded.permissions == PermissionSettings(requestCooldown: .hours(24), maxRequestsPerWeek: 2,
                                                         temporaryValidity: .days(7), revokeAfterMissed: 4))
        #expect(loaded.routing == RoutingSettings(ringTimeout: .seconds(45), ownerFirst: .seconds(15), handset: .always))
        #expect(loaded.dev.hostSimulator == false)
        #expect(loaded.agents.isEmpty)
        folder.write("secrets.conf", validSecrets, mode: 0o600)
        let production = try folder.load(productionConfig).get()
        #expect(production.whatsapp.graph == .url(try HTTPURL.parse("https://graph.facebook.com").get()))
        #expect(production.whatsapp.businessNumber == "15550100100")
    }

    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let folder = TempFolder()
        folder.write("etc/secrets.conf", validSecrets, mode: 0o600)
        let config = folder.write("etc/callbox.conf", productionConfig.replacingFirst("data_dir = data", with: "data_dir = ./state/../var"))
        let loaded = try ConfigLoader.load(path: config).get()
        #expect(loaded.box.dataDirectory == folder.path + "/etc/state/../var")
        #expect(loaded.box.secretsPath == folder.path + "/etc/secrets.conf")
        #expect(ConfigPath.resolve("/abs/./x//y", against: "/ignored") == "/abs/x/y")
        #expect(ConfigPath.directory(of: "/etc/callbox/callbox.conf") == "/etc/callbox")
        #expect(ConfigPath.directory(of: "/callbox.conf") == "/")
    }
}
