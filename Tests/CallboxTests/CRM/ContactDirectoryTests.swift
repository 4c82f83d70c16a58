import CallCore
import HubSpot
import Runtime
import Testing
@testable import Callbox

/// Holds each request until the test answers it, as a slow HubSpot would.
private final class HeldTransport: HubSpotTransport {
    private(set) var sent: [HTTPClientRequest] = []
    private var pending: [HTTPClient.Completion] = []

    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        sent.append(request)
        pending.append(completion)
    }

    var waiting: Int { pending.count }

    func answer(_ status: Int, _ json: String) {
        pending.removeFirst()(.success(HTTPClientResponse(status: status, body: Array(json.utf8))))
    }

    /// The oldest waiting lookup finds nobody in any of its searches (a number takes more
    /// than one, `ContactSearch`); each follow-up search joins the end of the queue.
    func answerNobody() {
        var next = pending.removeFirst()
        while true {
            let count = sent.count
            next(.success(HTTPClientResponse(status: 200, body: Array(nobody.utf8))))
            guard sent.count > count else { return }
            next = pending.removeLast()
        }
    }

    /// The digits a sent search asked about (its first filter's value).
    func searchedNumber(_ index: Int) -> String? {
        (try? JSONParser.parse(sent[index].body))?["filterGroups"]?[0]?["filters"]?[0]?["value"]?.string
    }
}

private let ana = #"{"results":[{"id":"1001","properties":{"firstname":"Ana","hubspot_owner_id":"77"}}]}"#
private let nobody = #"{"results":[]}"#

@Suite struct ContactDirectoryTests {
    private final class Clock {
        var now: Int64 = 1_000
    }

    private func directory(capacity: Int = ContactDirectory.defaultCapacity) -> (ContactDirectory, HeldTransport, Clock) {
        let transport = HeldTransport()
        let clock = Clock()
        let api = HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1")
        return (ContactDirectory(contacts: HubSpotContacts(api: api), capacity: capacity, clock: { clock.now }), transport, clock)
    }

    private func number(_ text: String) -> PhoneNumber { PhoneNumber(text)! }

    @Test func withoutHubSpotEveryLookupIsNoMatchAtOnce() {
        let directory = ContactDirectory(contacts: nil)
        var result: ContactLookup?
        directory.lookup(number("34600111222")) { result = $0 }
        #expect(result == .noMatch)
        #expect(!directory.isActive)
    }

    @Test func concurrentLookupsOfOneNumberShareOneRequest() {
        let (directory, transport, _) = directory()
        var results: [ContactLookup] = []
        for _ in 0..<3 { directory.lookup(number("34600111222")) { results.append($0) } }
        directory.lookup(number("34600999888")) { results.append($0) }
        #expect(transport.waiting == 2)
        #expect(transport.searchedNumber(0) == "+34600111222")
        transport.answer(200, ana)
        let match = ContactLookup.match(ContactMatch(id: "1001", name: "Ana", ownerID: "77"))
        #expect(results == [match, match, match])
        transport.answerNobody()
        #expect(results.last == .noMatch)
    }

    @Test func hitsLiveLongerThanMisses() {
        let (directory, transport, clock) = directory()
        directory.lookup(number("34600111222")) { _ in }
        transport.answer(200, ana)
        directory.lookup(number("34600999888")) { _ in }
        transport.answerNobody()
        clock.now += ContactDirectory.missTTLMilliseconds - 1
        var cached: [ContactLookup] = []
        directory.lookup(number("34600111222")) { cached.append($0) }
        directory.lookup(number("34600999888")) { cached.append($0) }
        #expect(cached.count == 2 && transport.waiting == 0, "both still cached")
        clock.now += 1
        directory.lookup(number("34600999888")) { _ in }
        #expect(transport.waiting == 1, "the miss expired and is asked again")
        transport.answer(200, ana)
        directory.lookup(number("34600111222")) { _ in }
        #expect(transport.waiting == 0, "the hit is still fresh")
        clock.now += ContactDirectory.hitTTLMilliseconds
        directory.lookup(number("34600111222")) { _ in }
        #expect(transport.waiting == 1, "the hit expired too")
    }

    @Test func failuresAreRememberedBriefly() {
        let (directory, transport, clock) = directory()
        var results: [ContactLookup] = []
        directory.lookup(number("34600111222")) { results.append($0) }
        transport.answer(429, #"{"status":"error","message":"Slow down","category":"RATE_LIMITS"}"#)
        guard case let .unavailable(reason)? = results.first else { Issue.record("expected unavailable"); return }
        #expect(reason.contains("429"))
        directory.lookup(number("34600111222")) { results.append($0) }
        #expect(transport.waiting == 0 && results.count == 2, "not asked again at once")
        clock.now += ContactDirectory.failureTTLMilliseconds
        directory.lookup(number("34600111222")) { results.append($0) }
        #expect(transport.waiting == 1, "asked again after the failure's short lifetime")
        #expect(ContactDirectory.failureTTLMilliseconds < ContactDirectory.missTTLMilliseconds)
    }

    @Test func theCacheNeverHoldsMoreThanItsCapacity() {
        let (directory, transport, clock) = directory(capacity: 3)
        for index in 0..<5 {
            directory.lookup(number("3460011122\(index)")) { _ in }
            transport.answerNobody()
            clock.now += 10
            #expect(directory.cachedCount <= 3)
        }
        #expect(directory.cachedCount == 3)
        // The oldest (closest to expiry) went; the newest is still cached.
        directory.lookup(number("34600111224")) { _ in }
        #expect(transport.waiting == 0)
        directory.lookup(number("34600111220")) { _ in }
        #expect(transport.waiting == 1)
    }

    @Test func lookupsWaitingForHubSpotAreBounded() {
        let (directory, transport, _) = directory()
        var refused: ContactLookup?
        for index in 0..<ContactDirectory.maxInFlight {
            directory.lookup(number("346001\(100_000 + index)")) { _ in }
        }
        directory.lookup(number("34699999999")) { refused = $0 }
        #expect(transport.waiting == ContactDirectory.maxInFlight)
        guard case .unavailable? = refused else { Issue.record("expected unavailable"); return }
    }
}
