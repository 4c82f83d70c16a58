import Glibc
import Runtime

/// Runs the `openssl` command-line tool for the interop tests: an independent DTLS stack and
/// certificate parser on the same machine.
enum DtlsCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs to completion and returns standard output.
    static func run(_ arguments: [String]) throws -> String {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw Failure(description: "pipe: \(errno)") }
        let pid = try spawn(arguments, stdin: nil, stdout: pipeEnds[1])
        close(pipeEnds[1])
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = read(pipeEnds[0], &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Starts `arguments` with standard output and error going to `stdout`.
    static func spawn(_ arguments: [String], stdin: Int32?, stdout: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stdout, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard result == 0 else { throw Failure(description: "posix_spawnp \(arguments[0]): \(result)") }
        return pid
    }
}

/// An `openssl s_server`/`s_client` running for one test. Its standard input is a pipe kept
/// open (EOF would end the session); its output goes to a log file the test reads.
final class DtlsBackgroundCommand {
    let pid: pid_t
    let logPath: String
    private let stdinWriter: Int32

    init(_ arguments: [String], logPath: String) throws {
        self.logPath = logPath
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard log >= 0 else { throw DtlsCommand.Failure(description: "open \(logPath): \(errno)") }
        defer { close(log) }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw DtlsCommand.Failure(description: "pipe: \(errno)") }
        defer { close(pipeEnds[0]) }
        stdinWriter = pipeEnds[1]
        pid = try DtlsCommand.spawn(arguments, stdin: pipeEnds[0], stdout: log)
    }

    var output: String { String(decoding: FileContents.read(logPath) ?? [], as: UTF8.self) }

    /// Polls the log until it contains `text` or `milliseconds` pass.
    func waitFor(_ text: String, milliseconds: Int) -> Bool {
        let deadline = MonotonicClock.milliseconds() + Int64(milliseconds)
        while MonotonicClock.milliseconds() < deadline {
            if output.contains(text) { return true }
            dtlsSleep(milliseconds: 20)
        }
        return output.contains(text)
    }

    func stop() {
        close(stdinWriter)
        // SIGKILL: the test runner's blocked signal mask is inherited, so SIGTERM may never land.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
