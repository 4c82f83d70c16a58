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

    @Test func anAccountIsRefusedAtItsLimitUntilTheWindowEnds() {
        var throttle = LoginThrottle(accountSlots: 2)
        for attempt in 0..<LoginThrottle.perAccount.attempts {
            #expect(throttle.check(account: "ana", address: "10.0.0.\(attempt)", at: t0) == .allowed)
            throttle.recordAttempt(account: "ana", address: "10.0.0.\(attempt)", at: t0 + .seconds(Int64(attempt)))
        }
        #expect(throttle.check(account: "ana", address: "10.9.9.9", at: t0 + .minutes(1))
                == .refused(limit: "account", retryAfter: .minutes(14)))
        #expect(throttle.check(account: "bo", address: "10.9.9.9", at: t0 + .minutes(1)) == .allowed)
        #expect(throttle.check(account: "ana", address: "10.9.9.9", at: t0 + .minutes(15) - .milliseconds(1))
                == .refused(limit: "account", retryAfter: .milliseconds(1)))
        #expect(throttle.check(account: "ana", address: "10.9.9.9", at: t0 + .minutes(15)) == .allowed)
        throttle.recordAttempt(account: "ana", address: "10.9.9.9", at: t0 + .minutes(15))
        #expect(throttle.check(account: "ana", address: "10.9.9.9", at: t0 + .minutes(15)) == .allowed, "a new window")
    }

    @Test func successForgivesTheAccountAndOneAttemptOfTheAddress() {
        var throttle = LoginThrottle(accountSlots: 1, addressLimit: LoginThrottle.Limit(attempts: 2, window: .minutes(15)))
        throttle.recordAttempt(account: "ana", address: "a", at: t0)
        throttle.recordAttempt(account: "ana", address: "a", at: t0)
        #expect(throttle.check(account: nil, address: "a", at: t0) == .refused(limit: "address", retryAfter: .minutes(15)))
        throttle.recordSuccess(account: "ana", address: "a")
        #expect(throttle.check(account: "ana", address: "a", at: t0) == .allowed)
    }

    @Test func unknownEmailsOnlyCountAgainstTheAddress() {
        var throttle = LoginThrottle(accountSlots: 1)
        for _ in 0..<LoginThrottle.perAddress.attempts {
            #expect(throttle.check(account: nil, address: "a", at: t0) == .allowed)
            throttle.recordAttempt(account: nil, address: "a", at: t0)
        }
        #expect(throttle.check(account: "ana", address: "a", at: t0) == .refused(limit: "address", retryAfter: .minutes(15)))
        #expect(throttle.check(account: "ana", address: "b", at: t0) == .allowed)
    }

    @Test func theAddressTableStaysAtItsSizeAndDropsTheStalest() {
        var table = AttemptTable(limit: LoginThrottle.Limit(attempts: 1, window: .minutes(15)), capacity: 2)
        table.charge("old", at: t0)
        table.charge("mid", at: t0 + .minutes(1))
        table.charge("new", at: t0 + .minutes(2))
        #expect(table.count == 2)
        #expect(table.wait(for: "old", at: t0 + .minutes(2)) == nil, "the stalest entry made room")
        #expect(table.wait(for: "mid", at: t0 + .minutes(2)) == .minutes(14))
        #expect(table.wait(for: "new", at: t0 + .minutes(2)) == .minutes(15))
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
