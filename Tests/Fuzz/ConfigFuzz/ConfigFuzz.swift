// libFuzzer target for the config parser: every input is tried as a callbox.conf, as a
// board profile and as a secrets file. Nothing may crash, whatever the bytes.
// `swift build --product ConfigFuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz`
// Built without -DFUZZING it replays the files (or folders of files) named on the command line.
import FuzzReplay
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
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
