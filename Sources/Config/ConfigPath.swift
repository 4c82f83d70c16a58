import Glibc

/// Path handling for config values: relative paths in `callbox.conf` are relative to its
/// folder, relative paths in a board profile are inside `data_dir`. Results are absolute so
/// the daemon may change directory without changing their meaning.
enum ConfigPath {
    static func resolve(_ path: String, against directory: String) -> String {
        normalised(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// The absolute folder holding `file`.
    static func directory(of file: String) -> String {
        let absolute = file.hasPrefix("/") ? file : currentDirectory() + "/" + file
        guard let slash = absolute.lastIndex(of: "/") else { return "/" }
        let folder = String(absolute[..<slash])
        return folder.isEmpty ? "/" : normalised(folder)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Drops empty and `.` components; `..` is kept (symlinks make it a filesystem question).
    static func normalised(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }

    static func parse(against directory: String) -> (String) -> ValueParse<String> {
        { .success(resolve($0, against: directory)) }
    }
}
