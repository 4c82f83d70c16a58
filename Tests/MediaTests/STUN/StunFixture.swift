import Runtime

/// Reads `Tests/Fixtures/stun/<name>` from the source tree, found from this file's path.
enum StunFixture {
    static let directory: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures/stun/"
    }()

    static func bytes(_ name: String) -> [UInt8] {
        guard let bytes = FileContents.read(directory + name) else { fatalError("missing fixture stun/\(name)") }
        return bytes
    }

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).filter { $0 != 32 }
        return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) ?? 0 }
    }
}
