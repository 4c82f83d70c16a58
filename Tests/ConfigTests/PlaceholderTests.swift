import Testing
@testable import Config

@Test func targetBuilds() { #expect(Bool(true)) }
