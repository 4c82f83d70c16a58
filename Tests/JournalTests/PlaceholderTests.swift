import Testing
@testable import Journal

@Test func targetBuilds() { #expect(Bool(true)) }
