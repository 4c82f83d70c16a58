import Glibc

/// What every fuzz target does when built without libFuzzer: replays the files named on
/// the command line (a directory stands for every file inside it, recursively) through
/// its `LLVMFuzzerTestOneInput`, so the seed corpora and crash regressions run in CI.
public enum FuzzReplay {
    public static func run(_ paths: some Sequence<String>, through fuzz: (UnsafePointer<UInt8>, Int) -> CInt) {
        var replayed = 0
        for path in paths {
            for file in files(at: path) {
                guard let bytes = read(file) else {
                    print("cannot read \(file)")
                    exit(1)
                }
                // The pad byte gives an empty file a valid pointer; the size leaves it out.
                let padded = bytes + [0]
                padded.withUnsafeBufferPointer { buffer in
                    if let base = buffer.baseAddress { _ = fuzz(base, bytes.count) }
                }
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs")
    }

    static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(path + "/" + name) }
        }
        return names.sorted().flatMap { files(at: $0) }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
