import Glibc

/// Reads the RTP/RTCP fixtures under Tests/Fixtures/rtp, located from this file's path.
enum RtpFixtures {
    static func bytes(_ name: String, filePath: String = #filePath) -> [UInt8] {
        var folder = filePath
        for _ in 0..<3 { folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)]) }
        let path = folder + "/Fixtures/rtp/" + name
        guard let stream = fopen(path, "rb") else { return [] }
        defer { fclose(stream) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, stream)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}
