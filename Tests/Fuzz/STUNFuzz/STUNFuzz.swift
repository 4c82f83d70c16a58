import FuzzReplay
import Media
import Runtime


/// Fixed identities so seeds written for them (Tests/Fixtures/stun/ice-*.bin) authenticate.
enum FuzzPeer {
    static let local = credentials("fuzz", "fuzzfuzzfuzzfuzzfuzzfu")
    static let remote = credentials("peer", "peerpeerpeerpeerpeerpe")
    static let localAddress = address("192.0.2.10:5000")
    static let remoteAddress = address("198.51.100.7:3480")

    static func credentials(_ ufrag: String, _ pwd: String) -> IceCredentials {
        guard let credentials = try? IceCredentials(ufrag: ufrag, pwd: pwd) else { fatalError("fuzz credentials invalid") }
        return credentials
    }

    static func address(_ text: String) -> SocketAddress {
        guard let address = SocketAddress(text: text) else { fatalError("fuzz address invalid") }
        return address
    }

    /// A full, controlling agent that knows the peer, as the box is during a call.
    static func agent() -> IceAgent {
        guard var agent = try? IceAgent(role: .controlling, mode: .full, localCredentials: local, tieBreaker: 0x8000_0000_0000_0000,
                                        localCandidates: [IceCandidate(type: .host, address: localAddress)]),
              (try? agent.addRemoteCredentials(ufrag: remote.ufrag, pwd: remote.pwd, now: 0)) != nil,
              (try? agent.addRemoteCandidate(IceCandidate(type: .host, address: remoteAddress))) != nil
        else { fatalError("fuzz agent setup failed") }
        return agent
    }
}

/// One libFuzzer input through every reader of untrusted STUN bytes: the parser and its
/// round trip, both verifications, the binding client, and an ICE agent receiving it as is,
/// re-signed as a request, and re-signed as the answer to its own check. Any outcome is fine
/// except a crash, a hang or a leak.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = MediaPacketKind.classify(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = SocketAddress(text: text)
    _ = try? IceCandidate(sdpValue: text)

    var agent = FuzzPeer.agent()
    _ = agent.receive(bytes, from: FuzzPeer.remoteAddress, local: FuzzPeer.localAddress, now: 1)
    _ = agent.receive(bytes, from: FuzzPeer.address("203.0.113.1:1"), now: 2)

    var client = StunBindingClient(server: FuzzPeer.remoteAddress)
    _ = client.poll(now: 0)
    _ = client.receive(bytes, from: FuzzPeer.remoteAddress)

    guard let message = try? StunMessage.parse(bytes) else { return 0 }
    _ = message.verifyIntegrity(key: Array(FuzzPeer.local.pwd.utf8))
    _ = message.verifyFingerprint()
    // What the serializer writes must parse back to the same message.
    guard (try? StunMessage.parse(message.serialize())) == message else { fatalError("STUN serializer output does not round-trip") }

    // As an authenticated request to the agent.
    var request = message
    request.messageClass = .request
    var requestAgent = FuzzPeer.agent()
    let signedRequest = request.serialize(integrityKey: Array(FuzzPeer.local.pwd.utf8), fingerprint: true)
    _ = requestAgent.receive(signedRequest, from: FuzzPeer.remoteAddress, local: FuzzPeer.localAddress, now: 1)
    _ = requestAgent.poll(now: 60)

    // As an authenticated answer to the agent's first check.
    var responseAgent = FuzzPeer.agent()
    guard let check = responseAgent.poll(now: 0).transmits.first,
          let sent = try? StunMessage.parse(check.bytes) else { fatalError("agent sent no check") }
    var response = message
    response.transactionID = sent.transactionID
    if response.messageClass == .request || response.messageClass == .indication { response.messageClass = .successResponse }
    let signedResponse = response.serialize(integrityKey: Array(FuzzPeer.remote.pwd.utf8), fingerprint: true)
    _ = responseAgent.receive(signedResponse, from: FuzzPeer.remoteAddress, local: FuzzPeer.localAddress, now: 5)
    _ = responseAgent.poll(now: 6_000)
    _ = responseAgent.poll(now: 40_000)
    return 0
}

#if !FUZZING
@main
struct STUNFuzzReplay {
    static func main() {
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
