import CallCore
import Glibc
import HubSpot
import Journal
import Runtime
import Testing
import WhatsApp
@testable import Callbox

/// Never answers: Graph is not asked anything while a call rings, and a HubSpot that never
/// answers is what the contact wait is for.
private final class Silent: GraphTransport, HubSpotTransport {
    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {}
}

/// Answers every contact search at once with the same body.
private final class InstantHubSpot: HubSpotTransport {
    let body: String
    init(_ body: String) { self.body = body }
    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion) {
        completion(.success(HTTPClientResponse(status: 200, body: Array(body.utf8))))
    }
}

/// The desk handset, reduced to when it was rung.
private final class RecordingHandset: CallMediaHandler {
    var rungAt: [CallHandle: Int64] = [:]
    func ring(_ call: CallHandle) { rungAt[call] = MonotonicClock.milliseconds() }
    func stopRinging(_ call: CallHandle) {}
    func startMedia(_ call: CallHandle) {}
    func stopMedia(_ call: CallHandle) {}
    func callChanged(_ call: CallHandle, to state: CallState) {}
    func remoteAnswer(_ call: CallHandle, sdp: String) {}
    func quality(of call: CallHandle) -> String? { nil }
}

private let anaOwns = #"{"results":[{"id":"1001","properties":{"firstname":"Ana","hubspot_owner_id":"77"}}]}"#
private let headStart = TimeSpan.milliseconds(300)

/// A real journal in a fresh folder, a real loop, the real controller and router.
private final class RouterFixture {
    let folder: String
    let loop = EventLoop()
    let journal: Journal
    let calls: CallController
    let router: IncomingCallRouter
    let handset = RecordingHandset()
    private let graph: GraphClient

    init(hubspot: HubSpotTransport?, handset routing: HandsetRouting, signedIn: Set<String>) throws {
        var template = Array("/tmp/router-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        folder = String(cString: try #require(made))
        journal = try Journal(directory: folder)
        graph = GraphClient(transport: Silent(), baseURL: "http://graph.invalid", accessToken: "t")
        calls = CallController(policy: CallPolicy(maxCalls: 2, ringTimeout: .seconds(30)), journal: journal, graph: graph,
                               number: BusinessNumber(graphVersion: "v24.0", phoneNumberID: "1"), loop: loop)
        let contacts = hubspot.map { HubSpotContacts(api: HubSpotAPI(transport: $0, baseURL: "https://api.invalid", accessToken: "pat")) }
        router = IncomingCallRouter(directory: ContactDirectory(contacts: contacts), agentsByOwner: ["77": "ana"],
                                    ownerFirst: headStart, handset: routing, journal: journal, calls: calls, loop: loop,
                                    signedInAgents: { signedIn })
        router.handset = handset
        calls.router = router
    }

    deinit {
        try? journal.close()
        for suffix in ["", "-wal", "-shm"] { unlink(folder + "/" + Journal.fileName + suffix) }
        rmdir(folder)
    }

    func incomingCall(_ id: String) throws -> CallHandle {
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        let caller = WhatsAppUser(phone: try #require(PhoneNumber("34600111222"))), business = try #require(PhoneNumber("442071838750"))
        let result = calls.handleNow(.incomingConnect(IncomingConnect(id: try #require(CallId(id)), from: caller, to: business, timestamp: now)),
                                     session: .opened(direction: .inbound, remote: caller, business: business, offeredAt: now,
                                                      offerSDP: "v=0", callerName: nil))
        return try #require(result.handle)
    }

    func routed(_ id: String) throws -> String? {
        try journal.callJournal.transitions(callKey: id).first { $0.event == "routed" }?.detail
    }

    /// Turns the loop for `milliseconds`, or until `done`.
    @discardableResult
    func turn(for milliseconds: Int64, until done: () -> Bool = { false }) -> Bool {
        let deadline = MonotonicClock.milliseconds() + milliseconds
        while MonotonicClock.milliseconds() < deadline {
            if done() { return true }
            loop.runOnce(maximumWait: 10)
        }
        return done()
    }
}

@Suite(.serialized) struct IncomingCallRouterTests {
    @Test func aSignedInOwnerRingsAloneThenTheHandsetJoins() throws {
        let box = try RouterFixture(hubspot: InstantHubSpot(anaOwns), handset: .always, signedIn: ["ana", "bo"])
        let started = MonotonicClock.milliseconds()
        let call = try box.incomingCall("wacid.OWNER1")
        #expect(try box.routed("wacid.OWNER1") == "owner_first(agent=ana); ana first, everyone +300ms, handset +300ms; contact 1001")
        let schedule = try #require(box.router.schedules[call])
        #expect(schedule.plan.ownerAgent == "ana" && schedule.contactID == "1001")
        #expect(box.handset.rungAt[call] == nil, "the owner's head start comes first")
        #expect(box.turn(for: 2_000) { box.handset.rungAt[call] != nil })
        #expect(try #require(box.handset.rungAt[call]) - started >= headStart.milliseconds)
    }

    @Test func fallbackKeepsTheHandsetQuietWhileAnAgentIsSignedIn() throws {
        let box = try RouterFixture(hubspot: InstantHubSpot(anaOwns), handset: .fallback, signedIn: ["ana"])
        let call = try box.incomingCall("wacid.OWNER2")
        #expect(try box.routed("wacid.OWNER2")?.hasPrefix("owner_first(agent=ana); ana first, everyone +300ms, handset never") == true)
        box.turn(for: 600)
        #expect(box.handset.rungAt[call] == nil)
    }

    @Test func aSilentHubSpotIsGivenOneSecond() throws {
        let box = try RouterFixture(hubspot: Silent(), handset: .always, signedIn: ["ana"])
        let started = MonotonicClock.milliseconds()
        let call = try box.incomingCall("wacid.SLOW01")
        #expect(try box.routed("wacid.SLOW01") == nil, "still waiting for HubSpot")
        #expect(box.turn(for: 3_000) { box.handset.rungAt[call] != nil })
        let waited = try #require(box.handset.rungAt[call]) - started
        #expect(waited >= IncomingCallRouter.contactWaitMilliseconds && waited < 2 * IncomingCallRouter.contactWaitMilliseconds)
        #expect(try box.routed("wacid.SLOW01") == "contact_lookup_timed_out; everyone now, handset now")
    }

    @Test func aCallThatStopsRingingIsNotRungLater() throws {
        let box = try RouterFixture(hubspot: InstantHubSpot(anaOwns), handset: .always, signedIn: ["ana"])
        let call = try box.incomingCall("wacid.GONE01")
        #expect(box.router.schedules[call] != nil)
        box.calls.handleNow(.terminated(Termination(id: try #require(CallId("wacid.GONE01")), status: .completed)))
        #expect(box.router.schedules[call] == nil)
        box.turn(for: 600)
        #expect(box.handset.rungAt[call] == nil)
    }

    @Test func withoutHubSpotItRoutesAtOnce() throws {
        let box = try RouterFixture(hubspot: nil, handset: .always, signedIn: [])
        let call = try box.incomingCall("wacid.NOCRM1")
        #expect(try box.routed("wacid.NOCRM1") == "no_contact_lookup; everyone now, handset now")
        #expect(box.handset.rungAt[call] != nil)
    }
}
