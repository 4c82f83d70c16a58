import Testing
@testable import CallCore

private let headStart = TimeSpan.seconds(15)

/// One row of the routing table: what is known when the call rings → who rings when, and why.
struct RingCase: CustomStringConvertible, Sendable {
    var owner: CallerOwner
    var signedIn: Set<String>
    var handset: HandsetRouting
    var reason: String
    var ownerAgent: String?
    var everyone: TimeSpan
    var handsetAt: TimeSpan?

    var description: String { "\(owner) signed in \(signedIn.sorted()) handset \(handset)" }
}

private let table: [RingCase] = [
    // The owner is signed in: alone first, then everyone; the handset joins with everyone
    // (always), never rings while someone is signed in (fallback), or never.
    RingCase(owner: .agent("ana"), signedIn: ["ana"], handset: .always, reason: "owner_first(agent=ana)",
             ownerAgent: "ana", everyone: headStart, handsetAt: headStart),
    RingCase(owner: .agent("ana"), signedIn: ["ana", "bo"], handset: .fallback, reason: "owner_first(agent=ana)",
             ownerAgent: "ana", everyone: headStart, handsetAt: nil),
    RingCase(owner: .agent("ana"), signedIn: ["ana"], handset: .never, reason: "owner_first(agent=ana)",
             ownerAgent: "ana", everyone: headStart, handsetAt: nil),
    // The owner is not signed in: everyone at once.
    RingCase(owner: .agent("ana"), signedIn: ["bo"], handset: .always, reason: "owner_not_signed_in(agent=ana)",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .agent("ana"), signedIn: ["bo"], handset: .fallback, reason: "owner_not_signed_in(agent=ana)",
             ownerAgent: nil, everyone: .zero, handsetAt: nil),
    RingCase(owner: .agent("ana"), signedIn: [], handset: .fallback, reason: "owner_not_signed_in(agent=ana)",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .agent("ana"), signedIn: [], handset: .never, reason: "owner_not_signed_in(agent=ana)",
             ownerAgent: nil, everyone: .zero, handsetAt: nil),
    // No owner to favour, for each reason there can be.
    RingCase(owner: .ownerNotAnAgent(ownerID: "77"), signedIn: ["ana"], handset: .always, reason: "no_owner_match(owner=77)",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .noOwner, signedIn: ["ana"], handset: .fallback, reason: "no_owner_match(contact_has_no_owner)",
             ownerAgent: nil, everyone: .zero, handsetAt: nil),
    RingCase(owner: .noContact, signedIn: [], handset: .always, reason: "no_contact_match",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .noContact, signedIn: [], handset: .fallback, reason: "no_contact_match",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .lookupOff, signedIn: [], handset: .always, reason: "no_contact_lookup",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .lookupOff, signedIn: [], handset: .never, reason: "no_contact_lookup",
             ownerAgent: nil, everyone: .zero, handsetAt: nil),
    RingCase(owner: .lookupTimedOut, signedIn: ["ana"], handset: .always, reason: "contact_lookup_timed_out",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
    RingCase(owner: .lookupFailed, signedIn: [], handset: .fallback, reason: "contact_lookup_failed",
             ownerAgent: nil, everyone: .zero, handsetAt: .zero),
]

@Suite struct RingPlanTests {
    @Test(arguments: table)
    func decides(_ row: RingCase) {
        let plan = RingPlan.decide(owner: row.owner, signedIn: row.signedIn, handset: row.handset, ownerFirst: headStart)
        #expect(plan.reason.description == row.reason)
        #expect(plan.ownerAgent == row.ownerAgent)
        #expect(plan.everyoneAfter == row.everyone)
        #expect(plan.handsetAfter == row.handsetAt)
    }

    @Test func everyOwnerCaseIsInTheTable() {
        let covered = Set(table.map { "\($0.owner)".prefix { $0 != "(" } })
        #expect(covered == ["lookupOff", "lookupTimedOut", "lookupFailed", "noContact", "noOwner", "ownerNotAnAgent", "agent"])
        #expect(Set(table.map(\.handset)) == Set(HandsetRouting.allCases))
    }

    @Test func aZeroHeadStartRingsEveryoneWithTheOwner() {
        let plan = RingPlan.decide(owner: .agent("ana"), signedIn: ["ana"], handset: .always, ownerFirst: .zero)
        #expect(plan.reason == .ownerFirst(agent: "ana"))
        #expect(plan.everyoneAfter == .zero && plan.handsetAfter == .zero)
    }

    @Test func describesItselfForTheJournal() {
        let first = RingPlan.decide(owner: .agent("ana"), signedIn: ["ana"], handset: .always, ownerFirst: headStart)
        #expect(first.description == "ana first, everyone +15s, handset +15s")
        let flat = RingPlan.decide(owner: .noContact, signedIn: ["bo"], handset: .fallback, ownerFirst: headStart)
        #expect(flat.description == "everyone now, handset never")
    }
}

@Suite struct RingScheduleTests {
    private let t0 = Instant(unixSeconds: 1_767_225_600)

    @Test func theOwnerRingsAloneUntilTheHeadStartIsOver() {
        let plan = RingPlan.decide(owner: .agent("ana"), signedIn: ["ana", "bo"], handset: .always, ownerFirst: headStart)
        let schedule = RingSchedule(plan: plan, decidedAt: t0, contactID: "1001")
        #expect(schedule.rings(agent: "ana", at: t0))
        #expect(!schedule.rings(agent: "bo", at: t0 + headStart - .milliseconds(1)))
        #expect(schedule.rings(agent: "bo", at: t0 + headStart))
        #expect(schedule.ringsFrom(agent: "ana") == t0)
        #expect(schedule.ringsFrom(agent: "bo") == t0 + headStart)
    }

    @Test func withoutAnOwnerEveryoneRingsAtOnce() {
        let plan = RingPlan.decide(owner: .noContact, signedIn: ["bo"], handset: .always, ownerFirst: headStart)
        let schedule = RingSchedule(plan: plan, decidedAt: t0, contactID: nil)
        #expect(schedule.rings(agent: "bo", at: t0))
        #expect(schedule.ringsFrom(agent: "ana") == t0)
    }
}
