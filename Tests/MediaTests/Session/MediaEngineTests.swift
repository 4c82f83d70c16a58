import Glibc
import Runtime
import Testing
@testable import Media

/// Two engines on loopback, as the box and the sandbox's Meta-like peer: a full,
/// controlling ICE agent against a lite, controlled one; DTLS client against server; SRTP;
/// Opus both ways through the jitter buffers. Everything real but the sound card.
@Suite(.serialized) struct MediaEngineTests {
    let loop = EventLoop()

    /// A 20 ms tone frame at `frequency`, continuing phase from `offset` samples.
    func tone(_ frequency: Double, offset: Int) -> [Int16] {
        (0..<960).map { Int16(sin(2 * Double.pi * frequency * Double(offset + $0) / 48_000) * 0.3 * 32_767) }
    }

    /// The frequency with most energy among `candidates` (Goertzel), or nil for silence.
    func dominant(_ samples: [Int16], among candidates: [Double]) -> Double? {
        func power(_ frequency: Double) -> Double {
            let coefficient = 2 * cos(2 * Double.pi * frequency / 48_000)
            var previous = 0.0, beforePrevious = 0.0
            for sample in samples {
                let current = Double(sample) + coefficient * previous - beforePrevious
                beforePrevious = previous
                previous = current
            }
            return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        }
        let powers = candidates.map { (frequency: $0, power: power($0)) }
        guard let best = powers.max(by: { $0.power < $1.power }), best.power > 1e9 else { return nil }
        return best.frequency
    }

    @Test func aFullAgentAndALitePeerConnectAndCarryOpusBothWays() throws {
        let certificate = try DtlsCertificate.generate()
        var events: [MediaEvent] = []
        let loopback = [SocketAddress(ipText: "127.0.0.1", port: 0)!]
        let box = MediaEngine(certificate: certificate, addresses: loopback, loop: loop) { events.append($0) }
        let meta = MediaEngine(certificate: try DtlsCertificate.generate(), addresses: loopback, loop: loop) { events.append($0) }
        defer {
            box.shutDown()
            meta.shutDown()
        }

        let offer = try meta.offer(iceMode: .lite)
        #expect(offer.localDescription.contains("a=ice-lite"))
        #expect(offer.localDescription.contains("a=setup:actpass"))
        let answer = try box.answer(offer: offer.localDescription)
        #expect(answer.localDescription.contains("a=setup:active"))
        #expect(!answer.localDescription.contains("a=ice-lite"))
        try meta.apply(answer: answer.localDescription, to: offer.id)

        #expect(turn(loop, within: 10_000) { events.filter { if case .connected = $0 { true } else { false } }.count == 2 })
        box.enableSending(answer.id)
        meta.enableSending(offer.id)

        // 1.5 s of audio each way, paced like the audio thread would.
        var boxHeard: [Int16] = []
        var metaHeard: [Int16] = []
        var frame = [Int16](repeating: 0, count: 960)
        for index in 0..<75 {
            tone(1_000, offset: index * 960).withUnsafeBufferPointer { answer.audio.captured($0) }
            tone(440, offset: index * 960).withUnsafeBufferPointer { offer.audio.captured($0) }
            loop.runOnce(maximumWait: 0)
            usleep(20_000)
            frame.withUnsafeMutableBufferPointer { answer.audio.render(into: $0) }
            boxHeard += frame
            frame.withUnsafeMutableBufferPointer { offer.audio.render(into: $0) }
            metaHeard += frame
        }
        let lastSecondBox = Array(boxHeard.suffix(48_000))
        let lastSecondMeta = Array(metaHeard.suffix(48_000))
        #expect(dominant(lastSecondBox, among: [440, 1_000]) == 440)
        #expect(dominant(lastSecondMeta, among: [440, 1_000]) == 1_000)
        #expect(answer.audio.statistics.framesDecoded > 30)
        #expect(answer.quality.srtpProfile != nil)

        // RFC 4733 from the box (the widget's keypad), received by the peer's DtmfReceiver.
        #expect(answer.audio.send(digits: "1#9"))
        #expect(!answer.audio.send(digits: "1x"), "not a keypad digit")
        for index in 0..<40 {
            tone(1_000, offset: index * 960).withUnsafeBufferPointer { answer.audio.captured($0) }
            loop.runOnce(maximumWait: 0)
            usleep(20_000)
        }
        #expect(turn(loop, within: 2_000) { events.filter { if case .dtmf = $0 { true } else { false } }.count == 3 })
        let digits = events.compactMap { event -> Character? in
            if case let .dtmf(id, digit) = event, id == offer.id { return digit }
            return nil
        }
        #expect(String(digits) == "1#9")
        #expect(!events.contains { if case .failed = $0 { true } else { false } })
    }

    @Test func anOfferWithoutAFingerprintIsRefused() throws {
        let engine = MediaEngine(certificate: try DtlsCertificate.generate(),
                                 addresses: [SocketAddress(ipText: "127.0.0.1", port: 0)!], loop: loop) { _ in }
        defer { engine.shutDown() }
        let text = (try? String(decoding: #require(FileContents.read(fixture("sdp/meta-offer.sdp"))), as: UTF8.self)) ?? ""
        let stripped = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("a=fingerprint:") }.joined(separator: "\r\n")
        #expect(throws: MediaSetupError.self) { _ = try engine.answer(offer: stripped) }
    }
}

@discardableResult
private func turn(_ loop: EventLoop, within milliseconds: Int64, until done: () -> Bool) -> Bool {
    let deadline = MonotonicClock.milliseconds() + milliseconds
    while !done() {
        if MonotonicClock.milliseconds() > deadline { return false }
        loop.runOnce(maximumWait: 20)
    }
    return true
}

private func fixture(_ relative: String) -> String {
    let folder = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
    return folder + "/Fixtures/" + relative
}
