import Testing
@testable import Runtime

@Test func targetBuilds() { #expect(Bool(true)) }
