import Testing
@testable import WhatsApp

@Test func targetBuilds() { #expect(Bool(true)) }
