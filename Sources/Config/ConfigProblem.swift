/// One thing wrong with a config, secrets or board-profile file, located the way editors and
/// compilers do (`file:line: message`) so an installer can jump straight to it.
///
/// Problems about a whole file (cannot read it, wrong mode, a required section that is not
/// there) are reported at line 1: every problem then has the same shape and editors accept it.
public struct ConfigProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// The line a file-level problem is reported at.
    public static let fileLevelLine = 1

    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found, in file order then line order, so a single `check-config` run shows
/// the installer all of them instead of one per attempt.
public struct ConfigProblems: Error, Sendable, CustomStringConvertible {
    public let all: [ConfigProblem]

    init(_ problems: [ConfigProblem]) {
        var fileOrder: [String: Int] = [:]
        for problem in problems where fileOrder[problem.file] == nil {
            fileOrder[problem.file] = fileOrder.count
        }
        all = problems.enumerated().sorted { a, b in
            let fileA = fileOrder[a.element.file] ?? 0, fileB = fileOrder[b.element.file] ?? 0
            if fileA != fileB { return fileA < fileB }
            if a.element.line != b.element.line { return a.element.line < b.element.line }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// One `file:line: message` per line, as `callbox check-config` prints them.
    public var description: String { all.map(\.description).joined(separator: "\n") }
}
