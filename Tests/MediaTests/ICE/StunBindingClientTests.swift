import Testing
@testable import Media

@Suite struct StunBindingClientTests {
    let server = IceTestNetwork.address("192.0.2.53:3478")

    @Test func learnsTheMappedAddress() throws {
        var client = StunBindingClient(server: server)
        let first = client.poll(now: 0)
        let request = try #require(first)
        let early = client.poll(now: 10)
        #expect(early == nil)
        let parsed = try StunMessage.parse(request)
        #expect(parsed.messageClass == .request && parsed.verifyFingerprint())
        let mapped = IceTestNetwork.address("203.0.113.9:61000")
        let answer = StunMessage(messageClass: .successResponse, transactionID: parsed.transactionID, attributes: [.xorMappedAddress(mapped)]).serialize()
        let fromElsewhere = client.receive(answer, from: IceTestNetwork.address("192.0.2.54:3478"))
        let otherTransaction = client.receive(StunMessage(messageClass: .successResponse, attributes: [.xorMappedAddress(mapped)]).serialize(), from: server)
        let answered = client.receive(answer, from: server)
        #expect(!fromElsewhere && !otherTransaction && answered)
        #expect(client.outcome == .mapped(mapped))
        #expect(client.nextDeadline == nil)
    }

    @Test func retransmitsThenGivesUp() {
        var client = StunBindingClient(server: server)
        var times: [Int64] = []
        var now: Int64 = 0
        while let deadline = client.nextDeadline, now < 60_000 {
            now = max(now, deadline)
            if client.poll(now: now) != nil { times.append(now) }
        }
        #expect(times == [0, 500, 1_500])
        #expect(client.outcome == .failed("no answer from 192.0.2.53:3478 after 3 requests"))
        #expect(now == 3_500)
    }

    @Test func errorAnswerFails() throws {
        var client = StunBindingClient(server: server)
        let first = client.poll(now: 0)
        let request = try StunMessage.parse(try #require(first))
        let answer = StunMessage(messageClass: .errorResponse, transactionID: request.transactionID, attributes: [.errorCode(code: 400, reason: "Bad Request")]).serialize()
        let answered = client.receive(answer, from: server)
        #expect(answered)
        #expect(client.outcome == .failed("192.0.2.53:3478 answered 400 Bad Request"))
    }
}
