import Glibc
import Runtime

/// The repository's files as tests read them: the daemon's sources, the widget's files.
enum SourceTree {
    /// `Sources/Callbox`, found from this file's own path.
    static let daemon: String = {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Sources/Callbox"
    }()

    /// The names in `folder`, sorted, without `.`, `..` and hidden files.
    static func entries(_ folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    static func text(_ path: String) -> String {
        String(decoding: FileContents.read(path) ?? [], as: UTF8.self)
    }
}
