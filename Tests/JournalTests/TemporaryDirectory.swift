import Glibc
import CallCore
@testable import Journal

/// A fresh directory under /tmp per test, removed with its files afterwards. Journals are
/// real SQLite files here, as in production (DESIGN.md §4.5).
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/journal-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit {
        chmod(path, 0o700)
        for name in entries() { unlink(path + "/" + name) }
        rmdir(path)
    }

    var databasePath: String { path + "/" + Journal.fileName }

    func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func open(_ options: Journal.Options = Journal.Options()) throws -> Journal {
        try Journal(directory: path, options: options)
    }
}

/// File helpers in plain POSIX, since the package avoids Foundation.
enum Files {
    static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    static func exists(_ path: String) -> Bool { size(path) >= 0 }

    static func read(_ path: String) -> [UInt8] {
        let descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0, "cannot create \(path)")
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write to \(path)")
    }
}

let t0 = Instant(unixSeconds: 1_767_225_600)

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
