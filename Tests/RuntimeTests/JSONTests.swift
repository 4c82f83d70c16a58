import Testing
@testable import Runtime

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("0", .number("0")),
        ("-0", .number("-0")),
        ("-12.5e+3", .number("-12.5e+3")),
        ("1E-2", .number("1E-2")),
        ("\"\"", .string("")),
        ("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", .string("a\"b\\c/d\u{8}\u{C}\n\r\t")),
        ("\"\\u00e9\\u20AC\"", .string("é€")),
        ("\"\\ud83d\\ude00\"", .string("😀")),
        ("\"😀 café\"", .string("😀 café")),
        ("[]", .array([])),
        ("{}", .object([])),
        ("[1,[2,{\"a\":[]}]]", .array([.number("1"), .array([.number("2"), .object([JSONMember("a", .array([]))])])])),
        ("\t\r\n{ \"b\" : 1 , \"a\" : 2 }\n", .object([JSONMember("b", .number("1")), JSONMember("a", .number("2"))])),
        ("\"\u{7F}\"", .string("\u{7F}")),
    ])
    func accepts(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        ("", 0, "a value"),
        ("  ", 2, "a value"),
        ("01", 1, "no leading zero"),
        ("-", 1, "a digit"),
        ("1.", 2, "a digit after '.'"),
        (".5", 0, "a value"),
        ("1e", 2, "a digit in the exponent"),
        ("+1", 0, "a value"),
        ("[1,]", 3, "a value"),
        ("[1 2]", 3, "',' or ']' in array"),
        ("{\"a\":1,}", 7, "a member name string"),
        ("{\"a\" 1}", 5, "':' after member name"),
        ("{a:1}", 1, "a member name string"),
        ("\"abc", 4, "'\"' closing the string"),
        ("\"a\nb\"", 2, "an escaped control character"),
        ("\"\\x\"", 2, "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u"),
        ("\"\\u12G4\"", 5, "4 hex digits after \\u"),
        ("\"\\ud83d\"", 7, "a low surrogate \\u escape after a high surrogate"),
        ("\"\\ud83d\\u0041\"", 13, "a low surrogate (DC00-DFFF)"),
        ("\"\\ude00\"", 7, "a high surrogate before a low surrogate"),
        ("tru", 0, "true"),
        ("nul", 0, "null"),
        ("true false", 5, "end of document"),
        ("{} x", 3, "end of document"),
        ("NaN", 0, "a value"),
    ])
    func rejects(text: String, offset: Int, expected: String) {
        #expect(throws: JSONParseError(offset: offset, expected: expected)) { try JSONParser.parse(text) }
    }

    @Test(arguments: [
        [0x22, 0xC3, 0x28, 0x22],             // bad continuation
        [0x22, 0xC0, 0xAF, 0x22],             // overlong '/'
        [0x22, 0xE0, 0x80, 0xAF, 0x22],       // overlong three-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],       // encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
        [0x22, 0x80, 0x22],                   // stray continuation
        [0x22, 0xFF, 0x22],
        [0x22, 0xE2, 0x82],                   // truncated at end of input
    ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func limitsNesting() throws {
        let deepest = String(repeating: "[", count: JSONParser.maximumNestingDepth) + String(repeating: "]", count: JSONParser.maximumNestingDepth)
        _ = try JSONParser.parse(deepest)
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONParseError(offset: JSONParser.maximumNestingDepth, expected: "nesting no deeper than 64")) {
            try JSONParser.parse(tooDeep)
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func accessorsReadPaths() throws {
        let value = try JSONParser.parse(#"{"entry":[{"id":"7","n":9223372036854775807,"big":9223372036854775808,"f":1.5,"ok":true}],"entry2":null,"d":1,"d":2}"#)
        #expect(value["entry"]?[0]?["id"]?.string == "7")
        #expect(value["entry"]?[0]?["n"]?.int64 == Int64.max)
        #expect(value["entry"]?[0]?["big"]?.int64 == nil)
        #expect(value["entry"]?[0]?["big"]?.numberText == "9223372036854775808")
        #expect(value["entry"]?[0]?["f"]?.int64 == nil)
        #expect(value["entry"]?[0]?["f"]?.double == 1.5)
        #expect(value["entry"]?[0]?["ok"]?.bool == true)
        #expect(value["entry"]?[1] == nil)
        #expect(value["entry"]?.array?.count == 1)
        #expect(value["entry2"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["d"]?.int64 == 2)
        #expect(value[0] == nil)
    }
}

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONInMemberOrder() {
        let value: JSONValue = ["z": 1, "a": [true, false, nil], "s": "x", "n": .number("-1.5e3")]
        #expect(JSONWriter.encodeString(value) == #"{"z":1,"a":[true,false,null],"s":"x","n":-1.5e3}"#)
    }

    @Test(arguments: [
        ("quote\"back\\slash/", #""quote\"back\\slash/""#),
        ("\r\n\t\u{8}\u{C}", #""\r\n\t\b\f""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("é😀\u{7F}", "\"é😀\u{7F}\""),
    ])
    func escapesExactlyWhatRFC8259Requires(text: String, expected: String) {
        #expect(JSONWriter.encodeString(.string(text)) == expected)
    }

    @Test func sdpRoundTripsByteIdentically() throws {
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AB:CD\r\n"
        let written = JSONWriter.encode(["session": ["sdp_type": "answer", "sdp": .string(sdp)]])
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.contains(#"v=0\r\no=- 1 2"#))
        let back = try JSONParser.parse(written)
        #expect(back["session"]?["sdp"]?.string.map { Array($0.utf8) } == Array(sdp.utf8))
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let text = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        #expect(try JSONParser.parse(JSONWriter.encode(.string(text))) == .string(text))
    }
}
