import Runtime

/// Reads `Tests/Fixtures/srtp/<name>`: `# comment` lines and `label: hex` lines.
enum SrtpFixture {
    static let directory: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures/srtp/"
    }()

    static func values(_ name: String) -> [String: [UInt8]] {
        guard let bytes = FileContents.read(directory + name) else { fatalError("missing fixture srtp/\(name)") }
        var values: [String: [UInt8]] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            values[String(parts[0])] = hex(parts[1].filter { !$0.isWhitespace })
        }
        return values
    }

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0
        }
    }
}
