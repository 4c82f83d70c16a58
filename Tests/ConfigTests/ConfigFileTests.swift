import Testing
@testable import Config

@Suite struct ConfigFileTests {
    @Test func sectionsEntriesAndLineNumbers() {
        let text = "# comment\n\n[box]\n  name =  Front desk  \r\n; also a comment\n[agent alice]\nemail=a@b.example\n"
        let file = ConfigFile(bytes: Array(text.utf8), file: "x.conf")
        #expect(file.problems.isEmpty)
        #expect(file.sections.map(\.name) == ["box", "agent"])
        #expect(file.sections[1].argument == "alice")
        #expect(file.sections[0].entries == [ConfigEntry(key: "name", value: "Front desk", line: 4)])
        #expect(file.sections[1].entries == [ConfigEntry(key: "email", value: "a@b.example", line: 7)])
    }

    @Test func inlineHashIsPartOfTheValue() {
        let file = ConfigFile(bytes: Array("[http]\npublic_url = https://x.example/#frag\n".utf8), file: "x.conf")
        #expect(file.sections[0].entries[0].value == "https://x.example/#frag")
    }

    @Test func syntaxErrorsAreCollectedWithTheirLines() {
        let text = "[box\njust words\n= value\n[]\n[box] trailing\nname = ok\nbad\u{1}byte = 1\n"
        let file = ConfigFile(bytes: Array(text.utf8), file: "x.conf")
        #expect(file.problems.map(\.description) == [
            "x.conf:1: section header is missing its closing ']'",
            "x.conf:2: expected 'key = value', '[section]' or a # comment",
            "x.conf:3: missing key name before '='",
            "x.conf:4: empty section name '[]'",
            "x.conf:5: unexpected text after ']' in a section header",
            "x.conf:7: line contains a control character (byte 1)",
        ])
    }

    @Test func suggestionFindsTyposOnly() {
        #expect(Suggestion.nearest(to: "ring_timout", among: ConfigSchema.routing.keyNames) == "ring_timeout")
        #expect(Suggestion.nearest(to: "Ring_Timeout", among: ConfigSchema.routing.keyNames) == "ring_timeout")
        #expect(Suggestion.nearest(to: "hnadset", among: ConfigSchema.routing.keyNames) == "handset")
        #expect(Suggestion.nearest(to: "colour", among: ConfigSchema.routing.keyNames) == nil)
    }
}
