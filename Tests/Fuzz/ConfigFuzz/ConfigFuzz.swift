// libFuzzer target for the config parser: every input is tried as a callbox.conf, as a
// board profile and as a secrets file. Nothing may crash, whatever the bytes.
// `swift build --product ConfigFuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz`
// Built without -DFUZZING it replays the files (or folders of files) named on the command line.
import Config
import Glibc

/// Relative paths in fuzzed configs resolve inside a folder that does not exist, so the
/// fuzzer exercises path handling without reaching real files through relative names.
private let fuzzDirectory = "/nonexistent-callbox-fuzz"

private func exercise(_ bytes: [UInt8]) {
    _ = ConfigLoader.load(bytes: bytes, file: "fuzz.conf", directory: fuzzDirectory)
    _ = BoardProfile.parse(bytes: bytes, file: "fuzz-board.conf", dataDirectory: fuzzDirectory)
    _ = ConfigFuzzing.secrets(bytes)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
@main
struct ConfigFuzzReplay {
    static func main() {
        var replayed = 0
        for path in CommandLine.arguments.dropFirst() {
            for file in files(at: path) {
                guard let bytes = contents(of: file) else {
                    print("cannot read \(file)")
                    continue
                }
                exercise(bytes)
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs")
    }

    /// The path itself, or every regular file directly inside it when it is a folder.
    static func files(at path: String) -> [String] {
        guard let folder = opendir(path) else { return [path] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(path + "/" + name) }
        }
        return names.sorted().filter { contents(of: $0) != nil }
    }

    static func contents(of path: String) -> [UInt8]? {
        guard let stream = fopen(path, "rb") else { return nil }
        defer { fclose(stream) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, stream)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return ferror(stream) == 0 ? bytes : nil
    }
}
#endif
