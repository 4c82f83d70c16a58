import Callbox
import Config
import Glibc
import Runtime

/// `callbox` and its subcommands (DESIGN §5 "CLI"). Exit status 0 on success, 1 when the
/// command ran and found a problem (an invalid config), 2 for a usage error.
public enum CommandLineTool {
    static let usage = """
    usage: callbox <command> [options]

      run [--config FILE]            run the box (without --config: the built-in demo config)
      check-config FILE              validate a config, its secrets and board profile
      simulate [--config FILE] WHAT  send signed webhooks to a running box (callbox simulate help)
      hash-password                  read a password on standard input, print its password_hash
      journal [--config FILE] [WHAT] calls, one call's transitions, the inbox (callbox journal help)
      hubspot register [--config FILE] [--url URL] [--not-ready] [--dry-run]
                                     send the widget's calling settings to HubSpot
      help                           this text
    """

    public static func main(_ arguments: [String]) -> Int32 {
        var arguments = Array(arguments.dropFirst())
        guard !arguments.isEmpty else {
            printError(usage)
            return 2
        }
        let command = arguments.removeFirst()
        switch command {
        case "run": return run(arguments)
        case "check-config": return checkConfig(arguments)
        case "hash-password": return hashPassword(arguments)
        case "simulate": return Simulate.main(arguments)
        case "journal": return JournalCommand.main(arguments)
        case "hubspot": return HubSpotRegisterCommand.main(arguments)
        case "help", "--help", "-h":
            print(usage)
            return 0
        default:
            printError("callbox: unknown command '\(command)'\n\n\(usage)")
            return 2
        }
    }

    static func run(_ arguments: [String]) -> Int32 {
        var options = Options(arguments)
        let path = options.value("--config")
        guard options.finish(allowing: 0) else { return usageError("run [--config FILE]") }
        guard let config = loadConfig(path) else { return 1 }
        do {
            return try Appliance(config: config).run()
        } catch {
            printError("callbox: \(error)")
            return 1
        }
    }

    static func checkConfig(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1 else { return usageError("check-config FILE") }
        let problems = ConfigCheck.problems(path: arguments[0])
        for problem in problems { print(problem.description) }
        if problems.isEmpty { print("\(arguments[0]): ok") }
        return problems.isEmpty ? 0 : 1
    }

    static func hashPassword(_ arguments: [String]) -> Int32 {
        guard arguments.isEmpty else { return usageError("hash-password < password") }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            printError("callbox: no password on standard input")
            return 1
        }
        guard let hash = PasswordHasher.hash(line) else {
            printError("callbox: hashing failed (OpenSSL scrypt)")
            return 1
        }
        print(hash)
        return 0
    }

    /// The config named, or the built-in demo; problems are printed as `file:line: message`.
    static func loadConfig(_ path: String?) -> LoadedConfig? {
        let loaded = path.map { ConfigLoader.load(path: $0) } ?? ConfigLoader.loadDemo()
        switch loaded {
        case let .success(config):
            return config
        case let .failure(problems):
            for problem in problems.all { printError(problem.description) }
            printError("callbox: refusing to start with an invalid config")
            return nil
        }
    }

    static func usageError(_ text: String) -> Int32 {
        printError("usage: callbox \(text)")
        return 2
    }

    static func printError(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// `--name value` options and positional words, in any order.
struct Options {
    private var words: [String]
    private(set) var positional: [String] = []
    private var unknown: [String] = []

    init(_ arguments: [String]) { words = arguments }

    mutating func value(_ name: String) -> String? {
        guard let index = words.firstIndex(of: name), index + 1 < words.count else { return nil }
        let value = words[index + 1]
        words.removeSubrange(index...index + 1)
        return value
    }

    mutating func flag(_ name: String) -> Bool {
        guard let index = words.firstIndex(of: name) else { return false }
        words.remove(at: index)
        return true
    }

    /// What is left must be positional words, at most `allowing` of them.
    mutating func finish(allowing count: Int) -> Bool {
        positional = words.filter { !$0.hasPrefix("--") }
        unknown = words.filter { $0.hasPrefix("--") }
        if let first = unknown.first { CommandLineTool.printError("callbox: unknown option \(first)") }
        return unknown.isEmpty && positional.count <= count
    }
}
