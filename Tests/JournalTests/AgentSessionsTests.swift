import CallCore
import Testing
@testable import Journal

private let ana = AgentSessions.Agent(name: "ana", email: "ana@example.com", hubspotOwnerID: "101")
private let bo = AgentSessions.Agent(name: "bo", email: "bo@example.com", hubspotOwnerID: nil)
private let anaToken: [UInt8] = Array(repeating: 1, count: 32)
private let boToken: [UInt8] = Array(repeating: 2, count: 32)

@Suite struct AgentSessionsTests {
    @Test func syncInsertsUpdatesAndDeletesWithSessions() throws {
        let folder = TemporaryDirectory()
        let journal = try folder.open()
        let store = journal.agentSessions
        try store.syncAgents([ana, bo], at: t0)
        #expect(try store.agents() == [ana, bo])
        try store.createSession(tokenHash: anaToken, agent: "ana", csrfToken: "c1", createdAt: t0, expiresAt: t0 + .hours(1))
        try store.createSession(tokenHash: boToken, agent: "bo", csrfToken: "c2", createdAt: t0, expiresAt: t0 + .hours(1))

        var renamedOwner = ana
        renamedOwner.hubspotOwnerID = "202"
        try store.syncAgents([renamedOwner], at: t0 + .seconds(5))
        #expect(try store.agents() == [renamedOwner])
        #expect(try store.session(tokenHash: anaToken, at: t0)?.agent == renamedOwner, "an owner change keeps the session")
        #expect(try store.session(tokenHash: boToken, at: t0) == nil, "a removed agent's sessions go with it")
        #expect(try store.sessionCount() == 1)

        var newEmail = renamedOwner
        newEmail.email = "ana.new@example.com"
        try store.syncAgents([newEmail], at: t0 + .seconds(9))
        #expect(try store.agents() == [newEmail])
        #expect(try store.session(tokenHash: anaToken, at: t0) == nil, "a changed login ends the old login's sessions")
    }

    @Test func swappedEmailsDoNotCollide() throws {
        let folder = TemporaryDirectory()
        let store = try folder.open().agentSessions
        try store.syncAgents([ana, bo], at: t0)
        let swapped = [AgentSessions.Agent(name: "ana", email: bo.email, hubspotOwnerID: nil),
                       AgentSessions.Agent(name: "bo", email: ana.email, hubspotOwnerID: nil)]
        try store.syncAgents(swapped, at: t0)
        #expect(try store.agents() == swapped)
    }

    @Test func sessionsExpireExtendAndPrune() throws {
        let folder = TemporaryDirectory()
        let store = try folder.open().agentSessions
        try store.syncAgents([ana], at: t0)
        try store.createSession(tokenHash: anaToken, agent: "ana", csrfToken: "csrf", createdAt: t0, expiresAt: t0 + .hours(1))
        let session = try #require(try store.session(tokenHash: anaToken, at: t0 + .minutes(59)))
        #expect(session.csrfToken == "csrf" && session.createdAt == t0 && session.expiresAt == t0 + .hours(1))
        #expect(try store.session(tokenHash: anaToken, at: t0 + .hours(1)) == nil, "expired at its expiry instant")
        #expect(try store.session(tokenHash: boToken, at: t0) == nil)

        try store.extendSession(tokenHash: anaToken, to: t0 + .hours(2))
        #expect(try store.session(tokenHash: anaToken, at: t0 + .hours(1)) != nil)
        #expect(try store.pruneExpired(at: t0 + .hours(1)) == 0)
        #expect(try store.pruneExpired(at: t0 + .hours(2)) == 1)
        #expect(try store.sessionCount() == 0)
    }

    @Test func endSessionDeletesOnce() throws {
        let folder = TemporaryDirectory()
        let store = try folder.open().agentSessions
        try store.syncAgents([ana], at: t0)
        try store.createSession(tokenHash: anaToken, agent: "ana", csrfToken: "csrf", createdAt: t0, expiresAt: t0 + .hours(1))
        #expect(try store.endSession(tokenHash: anaToken))
        #expect(try store.endSession(tokenHash: anaToken) == false)
    }
}
