// libFuzzer target for the RTP side of the media stack: every input is tried as an RTP
// packet, an RTCP compound and a telephone-event payload, and is fed to a jitter buffer
// (with its Opus decoder) as a short stream of packets. Nothing may crash, whatever the bytes.
// `swift build --product RTPFuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz`
// Built without -DFUZZING it replays the files (or folders of files) named on the command line.
import FuzzReplay
import Glibc
import Media

/// RTP payload type the jitter buffer decodes; the stream below forces it so fuzzed payloads
/// reach libopus.
private let opusPayloadType: UInt8 = 111
/// Packets derived from one input, enough to reorder, lose, jump and wrap.
private let derivedPackets = 24

private func exercise(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
        var receiver = DtmfReceiver()
        var statistics = RtcpReceptionStatistics()
        if let packet = try? RtpPacket.parse(raw) {
            let payload = UnsafeRawBufferPointer(rebasing: raw[packet.payloadRange])
            _ = try? TelephoneEvent.parse(payload)
            _ = receiver.receive(packet, in: raw)
            statistics.record(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                              ssrc: packet.ssrc, arrivalNanoseconds: 0)
            _ = statistics.makeReportBlock(nowNanoseconds: 1)
        }
        if let packets = try? RtcpPacket.parseCompound(raw) {
            var roundTrip = RtcpRoundTrip()
            for case .receiverReport(let report) in packets {
                for block in report.reportBlocks { _ = roundTrip.update(with: block, arrival: NtpTimestamp(seconds: 1, fraction: 0)) }
            }
        }
        _ = try? TelephoneEvent.parse(raw)
        stream(raw)
    }
}

/// The input as-is, then as a stream: each derived packet rewrites the header's sequence,
/// timestamp and marker from one input byte and keeps the fuzzed payload.
private func stream(_ raw: UnsafeRawBufferPointer) {
    guard let buffer = try? JitterBuffer(payloadType: opusPayloadType) else { return }
    buffer.insert(raw, arrivalNanoseconds: 0)
    _ = buffer.nextFrame()
    guard raw.count >= RtpPacket.fixedHeaderLength else { return }
    var scratch = [UInt8](raw)
    scratch.withUnsafeMutableBytes { packet in
        var frame: Int64 = 0
        for step in 0..<derivedPackets {
            let control = raw[step % raw.count]
            frame += Int64(Int8(bitPattern: control) >> 4)          // -8...7 frames: reorder, loss, repeats
            if control & 0x0C == 0x0C { frame += 40_000 }            // a timestamp jump now and then
            packet[1] = (control & 0x80) | opusPayloadType
            let sequence = UInt16(truncatingIfNeeded: 65_530 &+ frame)
            let timestamp = UInt32(truncatingIfNeeded: Int64(UInt32.max) - 2_000 + frame * 960)
            packet[2] = UInt8(sequence >> 8); packet[3] = UInt8(truncatingIfNeeded: sequence)
            packet[4] = UInt8(timestamp >> 24); packet[5] = UInt8(truncatingIfNeeded: timestamp >> 16)
            packet[6] = UInt8(truncatingIfNeeded: timestamp >> 8); packet[7] = UInt8(truncatingIfNeeded: timestamp)
            buffer.insert(UnsafeRawBufferPointer(packet), arrivalNanoseconds: Int64(step) * 20_000_000 + Int64(control) * 100_000)
            for _ in 0..<Int(control & 0x03) { _ = buffer.nextFrame() }
        }
    }
    for _ in 0..<4 { _ = buffer.nextFrame() }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
@main
struct RTPFuzzReplay {
    static func main() {
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
