import Glibc
import Runtime

/// Reads `Tests/Fixtures/<name>` from the source tree, found from this file's own path so the
/// tests need no SwiftPM resources.
enum Fixture {
    static let directory: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures/"
    }()

    static func bytes(_ name: String) -> [UInt8] {
        guard let bytes = FileContents.read(directory + name) else { fatalError("missing fixture \(name)") }
        return bytes
    }

    static func text(_ name: String) -> String {
        String(decoding: bytes(name), as: UTF8.self)
    }

    /// Every file in a fixture folder, sorted.
    static func names(in folder: String) -> [String] {
        guard let directory = opendir(Self.directory + folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(folder + "/" + name) }
        }
        return names.sorted()
    }
}
