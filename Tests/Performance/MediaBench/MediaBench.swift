// Media benchmark: what one call's audio costs on the audio thread. Opus encode and decode of
// a 20 ms frame (a 440 Hz tone with noise, the codec's busy case), FEC decode, PLC, and one
// jitter buffer period (insert one packet, pull one frame, decode included).
// Prints mean and p99 per 20 ms frame and the share of one core a call takes.
// `swift run -c release MediaBench`
import Glibc
import Media

/// Frames measured per figure: 100 s of audio.
let measuredFrames = 5_000
/// Frames run first so caches and libopus's state are warm.
let warmUpFrames = 200

func nanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// A 440 Hz tone at -12 dBFS with white noise 20 dB below it; a deterministic generator
/// so every run encodes the same audio.
func makeSignal(frames: Int) -> [Int16] {
    var seed: UInt32 = 12_345
    return (0..<(frames * OpusFormat.samplesPerFrame)).map { index in
        seed = seed &* 1_664_525 &+ 1_013_904_223
        let noise = Double(Int32(bitPattern: seed) >> 16) / 32_768 * 800
        return Int16(8_000 * sin(2 * Double.pi * 440 * Double(index) / 48_000) + noise)
    }
}

struct Figure {
    let name: String
    var samples: [Int64] = []

    mutating func measure(_ body: () throws -> Void) rethrows {
        let start = nanoseconds()
        try body()
        samples.append(nanoseconds() - start)
    }

    func report() {
        let sorted = samples.sorted()
        let mean = Double(sorted.reduce(0, +)) / Double(max(1, sorted.count)) / 1_000
        let p50 = Double(sorted[sorted.count / 2]) / 1_000
        let p99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1_000
        let core = mean / 20_000 * 100
        print(name + String(repeating: " ", count: max(1, 30 - name.count))
              + "mean \(format(mean)) µs  p50 \(format(p50)) µs  p99 \(format(p99)) µs  \(format(core, digits: 2)) % of a core")
    }
}

func format(_ value: Double, digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

@main
struct MediaBench {
    static func main() throws {
        let frames = warmUpFrames + measuredFrames
        let signal = makeSignal(frames: frames)
        let encoder = try OpusEncoder()
        print("MediaBench: \(measuredFrames) frames of 20 ms, Opus \(encoder.bitrate) b/s, complexity \(encoder.complexity), FEC on")

        var packets: [[UInt8]] = []
        packets.reserveCapacity(frames)
        var output = [UInt8](repeating: 0, count: OpusFormat.maxPacketBytes)
        var encode = Figure(name: "opus encode")
        try signal.withUnsafeBufferPointer { pcm in
            try output.withUnsafeMutableBytes { out in
                for frame in 0..<frames {
                    let slice = UnsafeBufferPointer(rebasing: pcm[(frame * 960)..<((frame + 1) * 960)])
                    var length = 0
                    if frame < warmUpFrames {
                        length = try encoder.encode(slice, into: out)
                    } else {
                        try encode.measure { length = try encoder.encode(slice, into: out) }
                    }
                    packets.append(Array(out[0..<length]))
                }
            }
        }
        encode.report()
        let bytes = packets.dropFirst(warmUpFrames).reduce(0) { $0 + $1.count }
        print("  mean packet \(bytes / measuredFrames) bytes (\(bytes * 8 / measuredFrames * 50 / 1_000) kb/s payload)")

        let decoder = try OpusDecoder()
        var decode = Figure(name: "opus decode")
        var fec = Figure(name: "opus FEC decode (lost frame)")
        var plc = Figure(name: "opus PLC (lost frame)")
        for (index, packet) in packets.enumerated() {
            try packet.withUnsafeBytes { raw in
                if index < warmUpFrames { try decoder.decode(raw); return }
                switch index % 10 {
                case 3: try fec.measure { try decoder.decodeFEC(fromNext: raw) }
                case 7: try plc.measure { try decoder.conceal() }
                default: try decode.measure { try decoder.decode(raw) }
                }
            }
        }
        decode.report()
        fec.report()
        plc.report()

        let jitterBuffer = try JitterBuffer(payloadType: 111)
        var sender = RtpStreamSender(payloadType: 111)
        var rtp = [UInt8](repeating: 0, count: 1_500)
        var period = Figure(name: "jitter insert + pull")
        for (index, packet) in packets.enumerated() {
            let length = try packet.withUnsafeBytes { payload in
                try rtp.withUnsafeMutableBytes { try sender.writeAudio(payload, into: $0) }
            }
            // Arrivals 0, 5 or 10 ms behind the send grid: the buffer measures jitter, nothing is lost.
            let arrival = Int64(index) * 20_000_000 + Int64(index % 3) * 5_000_000
            rtp[0..<length].withUnsafeBytes { raw in
                if index < warmUpFrames {
                    jitterBuffer.insert(raw, arrivalNanoseconds: arrival)
                    _ = jitterBuffer.nextFrame()
                    return
                }
                period.measure {
                    jitterBuffer.insert(raw, arrivalNanoseconds: arrival)
                    _ = jitterBuffer.nextFrame()
                }
            }
        }
        period.report()
        let statistics = jitterBuffer.statistics
        print("  jitter buffer: received \(statistics.received), lost \(statistics.lost), late \(statistics.late), "
              + "delay \(statistics.currentDelayMilliseconds) ms, target \(statistics.targetDelayMilliseconds) ms")
    }
}
