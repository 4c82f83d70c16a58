// libFuzzer target for the SDP parser and builder: any bytes are read as an SDP (UTF-8, lossy);
// whatever parses and can be answered must give an answer that parses back with the same Opus
// payload type. Nothing may crash, whatever the bytes.
// `swift build --product SDPFuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz`
// Built without -DFUZZING it replays the files (or folders of files) named on the command line;
// the seed corpus is Tests/Fixtures/sdp and the conformance corpus (Tests/Fixtures/conformance/).
import FuzzReplay
import Glibc
import Media
import Runtime

/// The box's parameters are fixed so every difference in output comes from the fuzzed offer.
private let local: LocalMediaParameters = {
    let candidate = SDPCandidate(foundation: "1", component: 1, transport: .udp, priority: 2_130_706_431, address: "192.168.1.40", port: 50_000, type: .host)
    do {
        return try LocalMediaParameters(
            sessionID: 7_301_129_584_400_391, ufrag: "cbx4", pwd: "Zr8qN2vX6tL0pW4yK7mB1sDe",
            fingerprintSHA256: Array(repeating: 0x5A, count: 32), candidates: [candidate], ssrc: 3_735_928_559, cname: "callbox")
    } catch {
        fatalError("the fuzz target's own parameters are refused: \(error)")
    }
}()

private func exercise(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = SDPRewriter.keepingOnlySHA256Fingerprints(text)
    guard let offer = try? SessionDescription.parse(text) else { return }
    for setup in [SDPSetupRole.active, .passive] {
        guard let answer = try? SDPBuilder.answer(to: offer, local: local, setup: setup) else { continue }
        let reparsed: SessionDescription
        do {
            reparsed = try SessionDescription.parse(answer)
        } catch {
            fatalError("our answer does not parse: \(error)\n\(answer)")
        }
        guard reparsed.audioSection?.opusPayloadType == offer.audioSection?.opusPayloadType,
              reparsed.mediaSections.count == offer.mediaSections.count else {
            fatalError("our answer does not answer the offer:\n\(answer)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
@main
struct SDPFuzzReplay {
    static func main() {
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
