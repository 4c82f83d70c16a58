import Glibc

/// Byte-level text helpers shared by the SDP parser and writer. They split on ASCII bytes,
/// not on Swift `Character`s: "\r\n" is one Character, and a space followed by a combining
/// mark is another, so Character-based splitting would not see the separators RFC 8866 means.
enum SDPText {
    /// Every line with its 1-based number; a trailing CR is dropped (CRLF and bare LF are
    /// both accepted) and empty lines are skipped (a trailing line end leaves one).
    static func lines(_ text: String) -> [(number: Int, content: Substring)] {
        var lines: [(number: Int, content: Substring)] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var number = 1
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") {
                appendLine(text[start..<index], number: number, to: &lines)
                number += 1
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        appendLine(text[start..<bytes.endIndex], number: number, to: &lines)
        return lines
    }

    private static func appendLine(_ raw: Substring, number: Int, to lines: inout [(number: Int, content: Substring)]) {
        var content = raw
        if content.utf8.last == UInt8(ascii: "\r") {
            content = content[content.startIndex..<content.utf8.index(before: content.endIndex)]
        }
        if !content.isEmpty { lines.append((number, content)) }
    }

    /// Fields separated by one or more ASCII spaces.
    static func fields(_ text: Substring) -> [Substring] {
        var fields: [Substring] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: " ") {
                if start != index { fields.append(text[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if start != bytes.endIndex { fields.append(text[start..<bytes.endIndex]) }
        return fields
    }

    /// The text before and after the first occurrence of `separator`; nil when it is absent.
    static func split(_ text: Substring, at separator: UInt8) -> (Substring, Substring)? {
        guard let index = text.utf8.firstIndex(of: separator) else { return nil }
        return (text[text.startIndex..<index], text[text.utf8.index(after: index)..<text.endIndex])
    }

    /// A decimal number made of ASCII digits only (no sign, no spaces) that fits `T`.
    static func number<T: FixedWidthInteger>(_ text: Substring, as type: T.Type = T.self) -> T? {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy(isDigit) else { return nil }
        return T(text, radix: 10)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    /// RFC 8866 §9 `token`: visible ASCII except the separators `"(),/:;<=>?@[\]{}`.
    static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            byte == 0x21 || (0x23...0x27).contains(byte) || byte == 0x2A || byte == 0x2B || byte == 0x2D || byte == 0x2E
                || isDigit(byte) || (0x41...0x5A).contains(byte) || (0x5E...0x7E).contains(byte)
        }
    }

    /// RFC 8839 §5.1 `ice-char`: ALPHA / DIGIT / "+" / "/".
    static func isICEChars<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") }
    }

    /// Visible ASCII (`!`…`~`), at least one: what a peer's ICE credentials may hold.
    static func isPrintableASCII<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// RFC 8866 §9 `non-ws-string`: VCHAR or bytes 0x80–0xFF, at least one.
    static func isNonWhitespace<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    static func isIPv4(_ text: Substring) -> Bool { parsesAsAddress(text, family: AF_INET) }

    static func isIPv6(_ text: Substring) -> Bool { parsesAsAddress(text, family: AF_INET6) }

    private static func parsesAsAddress(_ text: Substring, family: Int32) -> Bool {
        guard text.utf8.count <= maxAddressTextLength, !text.utf8.contains(0) else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        return String(text).withCString { inet_pton(family, $0, &buffer) } == 1
    }

    /// The longest IPv6 text (with an embedded IPv4 tail) is 45 characters; inet_pton never
    /// needs more, so longer input is refused before it is copied.
    private static let maxAddressTextLength = 45

    /// RFC 1123 host name: dot-separated labels of letters, digits and hyphens, not starting or
    /// ending with a hyphen, each at most 63 bytes, 253 in all; the last label is not all
    /// digits (RFC 1123 §2.1), so a mistyped IPv4 address is not taken for a name.
    static func isHostName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        var labelLength = 0
        var labelIsNumeric = true
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
                labelIsNumeric = true
            } else {
                labelIsNumeric = labelIsNumeric && isDigit(byte)
                guard isAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
                guard labelLength > 0 || byte != UInt8(ascii: "-") else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-") && !labelIsNumeric
    }

    /// How much of a bad value an error message repeats, so a hostile line cannot flood a log.
    static let quotedLimit = 60

    /// `text` quoted for an error message, cut at `quotedLimit` Unicode scalars.
    static func quoted<S: StringProtocol>(_ text: S) -> String {
        let scalars = Substring(text).unicodeScalars
        if scalars.count <= quotedLimit { return "\"\(text)\"" }
        return "\"\(String(String.UnicodeScalarView(scalars.prefix(quotedLimit))))…\""
    }
}
