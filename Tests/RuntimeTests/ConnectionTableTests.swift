import Testing
@testable import Runtime

/// The rules that keep a crowd of slow clients from locking Meta's webhooks out.
@Suite struct ConnectionTableTests {
    private let meta: [UInt8] = [157, 240, 0, 1]
    private let policy = ConnectionPolicy(limit: 20, perAddress: 8, crowdedAt: 12, perAddressWhenCrowded: 3, reserved: 4,
                                          reservedFor: { $0 == [157, 240, 0, 1] }, headMilliseconds: 10_000, bodyMilliseconds: 30_000)

    private func address(_ n: Int) -> [UInt8] { [127, 0, 0, UInt8(n)] }

    @Test func oneAddressMayHoldItsShareAndNoMore() {
        var table = ConnectionTable<Int>(policy: policy)
        for n in 0..<8 { table.opened(n, socket: Int32(n), address: address(2), now: 0) }
        #expect(table.refusal(for: address(2)) == .perAddress)
        #expect(table.refusal(for: address(3)) == nil)
        table.closed(0)
        #expect(table.refusal(for: address(2)) == nil)
    }

    @Test func aCrowdedBoxGivesEachAddressASmallShare() {
        var table = ConnectionTable<Int>(policy: policy)
        for n in 0..<12 { table.opened(n, socket: 0, address: address(2 + n % 3), now: 0) }
        // 12 open: each of the three holds 4, past the crowded share of 3; a newcomer gets in.
        #expect(table.refusal(for: address(2)) == .perAddress)
        #expect(table.refusal(for: address(9)) == nil)
    }

    @Test func theLastSlotsAreKeptForWebhookSources() {
        var table = ConnectionTable<Int>(policy: policy)
        for n in 0..<16 { table.opened(n, socket: 0, address: address(10 + n), now: 0) }
        #expect(table.refusal(for: address(50)) == .reserved)
        #expect(table.refusal(for: meta) == nil)
        for n in 16..<20 { table.opened(n, socket: 0, address: meta, now: 0) }
        #expect(table.refusal(for: meta) == .full)
    }

    @Test func aTrustedProxySpeaksForManyAndHasOnlyTheTotal() {
        var withProxy = policy
        withProxy.isProxy = { $0 == [10, 0, 0, 1] }
        var table = ConnectionTable<Int>(policy: withProxy)
        for n in 0..<16 { table.opened(n, socket: 0, address: [10, 0, 0, 1], now: 0) }
        #expect(table.refusal(for: [10, 0, 0, 1]) == .reserved, "past the share of any other address, up to the reserve")
        #expect(table.refusal(for: meta) == nil)
    }

    @Test func aRequestHeadOwesItsDeadlineAndARouteHasNone() {
        var table = ConnectionTable<Int>(policy: policy)
        table.opened(1, socket: 11, address: address(2), now: 0)
        table.opened(2, socket: 12, address: address(2), now: 0)
        table.opened(3, socket: 13, address: address(2), now: 0)
        table.headArrived(2, bodyExpected: true, now: 5_000)
        table.headArrived(3, bodyExpected: false, now: 5_000)
        table.dispatched(3)
        #expect(table.expired(now: 9_999) == [])
        #expect(table.expired(now: 10_000) == [11])
        // Cut once: the same socket is not reported again.
        #expect(table.expired(now: 20_000) == [])
        #expect(table.expired(now: 35_000) == [12])
        // A kept-alive connection owes its next head from when its answer went out.
        table.answered(3, now: 40_000)
        #expect(table.anyDeadline)
        #expect(table.expired(now: 49_999) == [] && table.expired(now: 50_000) == [13])
        #expect(!table.anyDeadline)
    }
}
