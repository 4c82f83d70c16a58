import Testing
@testable import Runtime

/// A log line is one event: nothing a webhook carries can end it, forge a journald priority on
/// a new line, or reach a terminal as an escape sequence.
@Suite(.serialized) struct LogTests {
    func line(_ message: String, _ value: String) -> String {
        var lines: [String] = []
        Logger.sink = { lines.append($0) }
        defer { Logger.sink = nil }
        Logger("box").warning(message, ["value": value])
        return lines.joined(separator: "\u{0}")
    }

    @Test(arguments: [
        "wacid.A\r\n<0>box: FORGED emergency",       // CR LF: one Swift Character
        "wacid.A\n<0>box: FORGED",
        "wacid.A\r<0>box: FORGED",
        "\u{1B}[31mred\u{1B}[0m",                     // ESC: terminal escapes
        "a\u{2028}<0>box: FORGED\u{2029}",            // Unicode line and paragraph separators
        "a\u{85}b\u{9B}c\u{7F}d\u{0}e",               // NEL, CSI, DEL, NUL
        "\r\u{301}<0>box: FORGED",                    // a control with a combining mark: one Character
        "tab\there",
    ])
    func nothingInAValueOrAMessageBreaksTheLine(input: String) {
        for text in [line(input, "x"), line("m", input)] {
            #expect(!text.unicodeScalars.contains { Logger.isUnsafe($0) }, "\(text.debugDescription)")
            #expect(!text.contains("\n<0>") && text.hasPrefix("<4>box: "))
        }
    }

    @Test func escapesAreReadableAndCannotBeFaked() {
        #expect(line("m", "a\r\nb") == #"<4>box: m value="a\r\nb""#)
        #expect(line("m", #"a\nb"#) == #"<4>box: m value="a\\nb""#, "a literal backslash-n is not a newline")
        #expect(line("m", "\u{1B}[2J") == #"<4>box: m value="\u{1B}[2J""#)
        #expect(line("m", "plain") == "<4>box: m value=plain")
        #expect(line("m", "say \"hi\"") == #"<4>box: m value="say \"hi\"""#)
        #expect(line("ended\r\n<0>box: FORGED", "v") == #"<4>box: ended\r\n<0>box: FORGED value=v"#)
        #expect(line("m", "café ☎️") == #"<4>box: m value="café ☎️""#, "ordinary text is kept as it is")
    }
}
