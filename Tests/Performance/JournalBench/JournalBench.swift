import CallCore
import Glibc
import Journal

/// Journal throughput and commit latency on this machine's disk: call transitions one per
/// transaction (synchronous FULL, then NORMAL), then webhook deliveries committed in
/// batches (group commit). Prints figures; never fails on timing (DESIGN.md §6).
///
/// Usage: JournalBench [directory]   (default /tmp; the disk under it is what gets measured)

/// Long enough for a few thousand fsyncs on a slow card, short enough for a CI run.
let transitionPhaseNanoseconds: UInt64 = 3_000_000_000
let batchPhaseNanoseconds: UInt64 = 2_000_000_000
/// A typical signed `calls` webhook with its SDP offer is 1.5–2.5 KB.
let deliveryBodyBytes = 2_048
let batchSizes = [1, 8, 32]

func nowNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

func makeDirectory(under parent: String) -> String? {
    var template = Array("\(parent)/journal-bench-XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) != nil
    else { return nil }
    return template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } }
}

func removeJournal(in directory: String) {
    for suffix in ["", "-wal", "-shm"] { unlink(directory + "/" + Journal.fileName + suffix) }
    rmdir(directory)
}

/// Latencies of individual transactions, summarised.
struct Latencies {
    private var nanoseconds: [UInt64] = []

    init(capacity: Int) { nanoseconds.reserveCapacity(capacity) }

    mutating func add(_ value: UInt64) { nanoseconds.append(value) }

    var count: Int { nanoseconds.count }

    func percentileMilliseconds(_ fraction: Double) -> Double {
        let sorted = nanoseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int(Double(sorted.count) * fraction))
        return Double(sorted[index]) / 1_000_000
    }
}

func format(_ value: Double, _ decimals: Int = 2) -> String {
    guard decimals > 0 else { return "\(Int(value.rounded()))" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 < decimals {
        text += String(repeating: "0", count: decimals - (text.distance(from: dot, to: text.endIndex) - 1))
    }
    return text
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func histogramLine(_ histogram: CommitLatencyHistogram) -> String {
    histogram.cumulativeBuckets.map { bucket in
        let bound = bucket.upperBoundMilliseconds.isInfinite ? "+Inf" : format(bucket.upperBoundMilliseconds, 1)
        return "le \(bound): \(bucket.count)"
    }.joined(separator: ", ")
}

func benchTransitions(under parent: String, synchronous: Journal.Synchronous) throws {
    guard let directory = makeDirectory(under: parent) else { print("cannot create a directory under \(parent)"); return }
    defer { removeJournal(in: directory) }
    let journal = try Journal(directory: directory, options: Journal.Options(synchronous: synchronous))
    let states = ["ringing", "answering", "connected", "ended"]
    var latencies = Latencies(capacity: 100_000)
    let start = nowNanoseconds()
    var call = 0
    while nowNanoseconds() - start < transitionPhaseNanoseconds {
        for (index, state) in states.enumerated() {
            let before = nowNanoseconds()
            try journal.callJournal.appendTransition(
                callKey: "wacid.bench.\(call)", at: Instant(unixMilliseconds: 1_767_225_600_000 + Int64(call)),
                from: index == 0 ? "idle" : states[index - 1], to: state, event: "bench", detail: "slot 0")
            latencies.add(nowNanoseconds() - before)
        }
        call += 1
    }
    let seconds = Double(nowNanoseconds() - start) / 1e9
    print("transitions, one per transaction, synchronous \(synchronous.rawValue):")
    print("  \(latencies.count) in \(format(seconds)) s = \(format(Double(latencies.count) / seconds, 0)) transitions/s;"
          + " transaction p50 \(format(latencies.percentileMilliseconds(0.5), 3)) ms,"
          + " p99 \(format(latencies.percentileMilliseconds(0.99), 3)) ms")
    // The journal's own histogram times COMMIT alone (the fsync), including the migration's.
    print("  COMMIT histogram (ms): \(histogramLine(journal.commitLatency))")
    try journal.close()
}

func benchInbox(under parent: String) throws {
    print("inbox group commit, \(deliveryBodyBytes)-byte bodies, synchronous FULL:")
    let body = (0..<deliveryBodyBytes).map { UInt8(0x20 + $0 % 90) }
    for batchSize in batchSizes {
        guard let directory = makeDirectory(under: parent) else { return }
        defer { removeJournal(in: directory) }
        let journal = try Journal(directory: directory)
        let batch = Array(repeating: body, count: batchSize)
        var latencies = Latencies(capacity: 50_000)
        let start = nowNanoseconds()
        var delivered = 0
        while nowNanoseconds() - start < batchPhaseNanoseconds {
            let before = nowNanoseconds()
            _ = try journal.inbox.append(deliveries: batch, receivedAt: Instant(unixMilliseconds: 1_767_225_600_000))
            latencies.add(nowNanoseconds() - before)
            delivered += batchSize
        }
        let seconds = Double(nowNanoseconds() - start) / 1e9
        print("  batch \(pad("\(batchSize)", 2)): \(pad(format(Double(delivered) / seconds, 0), 9)) deliveries/s,"
              + " \(pad(format(Double(latencies.count) / seconds, 0), 7)) commits/s;"
              + " commit p50 \(format(latencies.percentileMilliseconds(0.5), 3)) ms,"
              + " p99 \(format(latencies.percentileMilliseconds(0.99), 3)) ms")
        try journal.close()
    }
}

@main struct JournalBench {
    static func main() {
        let parent = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "/tmp"
        print("JournalBench: SQLite \(Journal.sqliteVersion), directory \(parent)")
        do {
            try benchTransitions(under: parent, synchronous: .full)
            try benchTransitions(under: parent, synchronous: .normal)
            try benchInbox(under: parent)
        } catch {
            print("benchmark stopped: \(error)")
        }
    }
}
