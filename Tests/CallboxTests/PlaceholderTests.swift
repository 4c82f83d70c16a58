import Testing
@testable import Callbox

@Test func targetBuilds() { #expect(Bool(true)) }
