import Testing
@testable import CallCore

@Suite struct TimeSpanTests {
    @Test(arguments: [
        (TimeSpan.seconds(45), "45s"), (.hours(24), "1d"), (.hours(36), "36h"), (.days(7), "7d"),
        (.milliseconds(1500), "1500ms"), (.minutes(90), "90m"), (.zero, "0ms"),
    ])
    func spellsTheShortestExactUnit(span: TimeSpan, text: String) {
        #expect(span.description == text)
    }

    @Test func instantArithmeticKeepsMilliseconds() {
        let start = Instant(unixSeconds: 1_767_225_600)
        #expect((start + .seconds(45)) - start == .seconds(45))
        #expect((start + .milliseconds(1)).unixMilliseconds == 1_767_225_600_001)
    }
}
