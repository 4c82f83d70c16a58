import CallCore
import Config
import Journal
import Runtime
import Testing
@testable import Callbox

@Suite(.serialized) struct AgentSessionTests {
    private func lookup(_ api: ApiHarness, token: String = "test-session-token") -> AgentSessions.Session? {
        let request = HTTPRequest(method: "GET", path: "/api/me", headers: [(name: "cookie", value: "callbox_session=\(token)")])
        if case let .valid(session) = api.authentication.session(for: request) { return session }
        return nil
    }

    @Test func anIdleSessionEndsAfterItsIdleLifetime() throws {
        let api = try ApiHarness()
        try api.openSession()
        let renewedAt = ApiHarness.start + AgentAuthentication.idleLifetime - .seconds(1)
        api.clock.now = renewedAt
        #expect(lookup(api)?.expiresAt == renewedAt + AgentAuthentication.idleLifetime, "use renews it")
        api.clock.now = renewedAt + AgentAuthentication.idleLifetime
        #expect(lookup(api) == nil, "unused for the idle lifetime since")
        #expect(lookup(api, token: "other") == nil)
    }

    @Test func renewalWritesOnlyOncePerStep() throws {
        let api = try ApiHarness()
        try api.openSession()
        let first = ApiHarness.start + AgentAuthentication.idleLifetime
        api.clock.now = ApiHarness.start + AgentAuthentication.renewalStep
        #expect(lookup(api)?.expiresAt == first, "moving by exactly one step is not worth a write")
        api.clock.now = api.clock.now + .seconds(1)
        #expect(lookup(api)?.expiresAt == api.clock.now + AgentAuthentication.idleLifetime)
    }

    @Test func anyUseStopsAtTheAbsoluteLifetime() throws {
        let api = try ApiHarness()
        try api.openSession()
        var at = ApiHarness.start
        while at < ApiHarness.start + AgentAuthentication.absoluteLifetime - .hours(1) {
            at = at + .hours(1)
            api.clock.now = at
            #expect(lookup(api) != nil)
        }
        #expect(lookup(api)?.expiresAt == ApiHarness.start + AgentAuthentication.absoluteLifetime)
        api.clock.now = ApiHarness.start + AgentAuthentication.absoluteLifetime
        #expect(lookup(api) == nil)
        #expect(try api.journal.agentSessions.pruneExpired(at: api.clock.now) == 1)
    }

    @Test func theCookieIsThirdPartyUnderTLSAndLaxWithout() {
        let secure = SessionCookie(tls: true).setting("abc", lifetime: .days(7), host: "box.example:8443")
        #expect(secure.name == "Set-Cookie")
        #expect(secure.value == "callbox_session=abc; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None; Partitioned")
        let plain = SessionCookie(tls: false).setting("abc", lifetime: .days(7), host: "192.168.1.20:8080")
        #expect(plain.value == "callbox_session=abc; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")
        #expect(SessionCookie(tls: true).clearing(host: nil).value.hasPrefix("callbox_session=; Max-Age=0; Path=/; HttpOnly; Secure"))
    }

    /// Browsers treat loopback names as secure contexts: the host simulator's cross-origin
    /// iframe needs the third-party cookie there even without TLS.
    @Test(arguments: [("localhost:8080", true), ("LOCALHOST", true), ("127.0.0.1:9", true), ("[::1]:80", true),
                      ("[::1]", true), ("127.0.0.2:80", false), ("localhost.example", false), ("10.0.0.1", false)])
    func loopbackHostsGetTheThirdPartyCookieWithoutTLS(host: String, crossSite: Bool) {
        #expect(SessionCookie(tls: false).isCrossSite(host: host) == crossSite)
        #expect(SessionCookie(tls: false).setting("t", lifetime: .days(1), host: host).value.hasSuffix("SameSite=None; Partitioned") == crossSite)
    }

    @Test(arguments: [
        ("callbox_session=abc", "abc"), ("a=1; callbox_session=abc; b=2", "abc"), ("a=1;callbox_session=abc", "abc"),
        ("xcallbox_session=abc", nil), ("callbox_session=", nil), ("callbox_session", nil), ("", nil),
    ] as [(String, String?)])
    func readsTheTokenFromTheCookieHeader(header: String, token: String?) {
        #expect(SessionCookie.token(in: HTTPRequest(method: "GET", path: "/", headers: [(name: "cookie", value: header)])) == token)
    }

    @Test func tokensAreRandomAndOnlyTheirHashIsKept() throws {
        let first = try #require(SessionToken.generate())
        let second = try #require(SessionToken.generate())
        #expect(first.token != second.token && first.csrfToken != first.token)
        #expect(first.token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(SessionToken.hash("abc").prefix(4) == [0xba, 0x78, 0x16, 0xbf])
        #expect(SessionToken.hash("abc").count == 32)
        #expect(SessionToken.constantTimeEqual("same", "same"))
        #expect(!SessionToken.constantTimeEqual("same", "sama") && !SessionToken.constantTimeEqual("same", "same!"))
        #expect(!SessionToken.constantTimeEqual("", ""))
    }
}

@Suite struct LoginThrottleTests {
    let t0 = Instant(unixSeconds: 1_767_225_600)

    private func fail(_ throttle: inout LoginThrottle, _ times: Int, email: String = "ana@x.example", from address: String,
                      at now: Instant) {
        for _ in 0..<times { throttle.recordAttempt(email: email, address: address, at: now) }
    }

    @Test func theDelayDoublesAfterTheFreeFailuresUpToItsCeiling() {
        let backoff = LoginThrottle.perAccountAddress
        #expect((0...4).map { backoff.delay(afterFailures: $0) } == Array(repeating: .zero, count: 5))
        #expect((5...9).map { backoff.delay(afterFailures: $0).milliseconds } == [1_000, 2_000, 4_000, 8_000, 16_000])
        #expect(backoff.delay(afterFailures: 15) == .minutes(15))
        #expect(backoff.delay(afterFailures: 10_000) == .minutes(15), "no overflow")
    }

    @Test func anAttackersFailuresDoNotSlowTheAgentFromAnotherAddress() {
        var throttle = LoginThrottle()
        fail(&throttle, 12, from: "198.51.100.66", at: t0)
        #expect(throttle.check(email: "ana@x.example", address: "198.51.100.66", at: t0) == .wait(.seconds(128), limit: .accountAddress))
        #expect(throttle.check(email: "ana@x.example", address: "10.0.0.5", at: t0) == .allowed)
        #expect(throttle.check(email: "ANA@x.example", address: "198.51.100.66", at: t0 + .seconds(128)) == .allowed,
                "it is a wait, never a lock; emails without case")
    }

    @Test func anUnknownEmailIsCountedExactlyLikeAnAgents() {
        var known = LoginThrottle(), unknown = LoginThrottle()
        for n in 0..<9 {
            let at = t0 + .seconds(Int64(n))
            #expect(known.check(email: "ana@x.example", address: "a", at: at) == unknown.check(email: "nobody@x.example", address: "a", at: at))
            known.recordAttempt(email: "ana@x.example", address: "a", at: at)
            unknown.recordAttempt(email: "nobody@x.example", address: "a", at: at)
        }
    }

    @Test func manyEmailsFromOneAddressAreHeldBackByTheAddress() {
        var throttle = LoginThrottle()
        for n in 0..<LoginThrottle.perAddress.freeFailures {
            throttle.recordAttempt(email: "guess\(n)@x.example", address: "a", at: t0)
        }
        #expect(throttle.check(email: "bo@x.example", address: "a", at: t0) == .wait(.seconds(1), limit: .address))
        #expect(throttle.check(email: "bo@x.example", address: "b", at: t0) == .allowed)
    }

    @Test func successForgivesThePairAndOneAttemptOfTheAddress() {
        var throttle = LoginThrottle(addressBackoff: .init(freeFailures: 2, firstDelay: .seconds(1), longestDelay: .minutes(1),
                                                           forgetAfter: .hours(1)))
        fail(&throttle, 2, from: "a", at: t0)
        #expect(throttle.check(email: "bo@x.example", address: "a", at: t0) == .wait(.seconds(1), limit: .address))
        throttle.recordSuccess(email: "ana@x.example", address: "a")
        #expect(throttle.check(email: "ana@x.example", address: "a", at: t0) == .allowed)
    }

    @Test func aQuietHourForgetsTheCount() {
        var early = LoginThrottle(), late = LoginThrottle()
        fail(&early, 14, from: "a", at: t0)
        fail(&late, 14, from: "a", at: t0)
        // One more failure within the hour carries on from 14; after a quiet hour it is the first.
        early.recordAttempt(email: "ana@x.example", address: "a", at: t0 + .minutes(59))
        late.recordAttempt(email: "ana@x.example", address: "a", at: t0 + .hours(1))
        #expect(early.check(email: "ana@x.example", address: "a", at: t0 + .minutes(59)) == .wait(.minutes(15), limit: .accountAddress))
        #expect(late.check(email: "ana@x.example", address: "a", at: t0 + .hours(1)) == .allowed)
    }

    @Test func aTableStaysAtItsSizeAndDropsTheStalest() {
        var table = FailureTable(backoff: .init(freeFailures: 1, firstDelay: .minutes(15), longestDelay: .minutes(15),
                                                forgetAfter: .hours(1)), capacity: 2)
        table.charge("old", at: t0)
        table.charge("mid", at: t0 + .minutes(1))
        table.charge("new", at: t0 + .minutes(2))
        #expect(table.count == 2)
        #expect(table.wait(for: "old", at: t0 + .minutes(2)) == nil, "the stalest entry made room")
        #expect(table.wait(for: "mid", at: t0 + .minutes(2)) == .minutes(14))
        #expect(table.wait(for: "new", at: t0 + .minutes(2)) == .minutes(15))
    }
}

@Suite struct ClientAddressTests {
    private func request(from peer: String, forwarded: [String]) -> HTTPRequest {
        var request = HTTPRequest(method: "POST", path: "/api/login")
        request.remoteAddress = peer
        request.headers = forwarded.map { (name: "x-forwarded-for", value: $0) }
        return request
    }

    private let proxies = ClientAddress(trustedProxies: ["127.0.0.1", "10.0.0.0/8"].compactMap(AddressRange.parse))

    @Test func onlyATrustedProxyIsBelieved() {
        #expect(proxies.of(request(from: "127.0.0.1", forwarded: ["203.0.113.7"])) == "203.0.113.7")
        #expect(proxies.of(request(from: "198.51.100.9", forwarded: ["203.0.113.7"])) == "198.51.100.9")
        #expect(ClientAddress(trustedProxies: []).of(request(from: "127.0.0.1", forwarded: ["203.0.113.7"])) == "127.0.0.1")
        #expect(proxies.of(request(from: "127.0.0.1", forwarded: [])) == "127.0.0.1")
    }

    @Test func theListIsReadFromTheRightPastTrustedHopsOnly() {
        // The client wrote "1.1.1.1" itself; the proxies appended what they saw.
        #expect(proxies.of(request(from: "127.0.0.1", forwarded: ["1.1.1.1, 203.0.113.7", "10.2.3.4"])) == "203.0.113.7")
        #expect(proxies.of(request(from: "127.0.0.1", forwarded: ["[2001:db8::7], 10.2.3.4"])) == "2001:db8::7")
        // Garbage a trusted proxy vouches for is not taken: the nearest proxy's view stands.
        #expect(proxies.of(request(from: "127.0.0.1", forwarded: ["evil, 10.2.3.4"])) == "10.2.3.4")
    }
}

@Suite struct DemoAgentTests {
    @Test func theDemoAgentSignsInWithTheDocumentedPassword() throws {
        let demo = try #require(try ConfigLoader.loadDemo().get().agents.first)
        #expect(demo.email == "demo@callbox.example")
        #expect(PasswordHasher.verify("callbox-demo", against: demo.passwordHash.encoded))
    }

    @Test func theDecoyCostsWhatARealCheckCosts() {
        let realCost = "scrypt$\(PasswordHasher.costN)$\(PasswordHasher.blockSize)$\(PasswordHasher.parallelism)$"
        #expect(AgentAuthentication.decoyHash.hasPrefix(realCost))
        #expect(!PasswordHasher.verify("callbox-demo", against: AgentAuthentication.decoyHash))
    }
}
