import Config
import Glibc
@testable import Handset

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/callbox-handset-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink(file(name)) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}

enum AudioFiles {
    static let rate = 48_000

    /// The simulated board, its raw files inside `directory`.
    static func simulatedProfile(in directory: TemporaryDirectory, hook: String = "fifo:hook", ringer: String = "none") -> BoardProfile {
        let text = """
        [audio]
        playback = file:speaker.raw
        capture = file:mic.raw
        rate = 48000
        channels = 1
        period = 20ms
        buffer = 80ms
        pacing = clock

        [hook]
        source = \(hook)

        [ringer]
        output = \(ringer)
        """
        switch BoardProfile.parse(bytes: Array(text.utf8), file: "test-board.conf", dataDirectory: directory.path) {
        case .success(let profile): return profile
        case .failure(let problems): fatalError("test profile rejected: \(problems)")
        }
    }

    static func sine(frequency: Double, amplitude: Double, samples: Int) -> [Int16] {
        (0..<samples).map { Int16((amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))).rounded()) }
    }

    static func write(_ samples: [Int16], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        samples.withUnsafeBytes { _ = Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    static func read(_ path: String) -> [Int16] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return stride(from: 0, to: bytes.count - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }

    /// The amplitude of `frequency` in `samples` (Goertzel); exact when the window holds whole cycles.
    static func amplitude(of frequency: Double, in samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(rate))
        var previous = 0.0, beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return 2 * sqrt(max(0, power)) / Double(samples.count)
    }

    static func peak(_ samples: ArraySlice<Int16>) -> Int {
        samples.map { abs(Int($0)) }.max() ?? 0
    }
}

func sleepMilliseconds(_ milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1_000))
}
