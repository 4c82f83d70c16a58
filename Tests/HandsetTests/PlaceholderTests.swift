import Testing
@testable import Handset

@Test func targetBuilds() { #expect(Bool(true)) }
