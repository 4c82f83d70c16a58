import Testing
@testable import Media

@Test func targetBuilds() { #expect(Bool(true)) }
