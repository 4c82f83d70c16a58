/// Where the handset's hook switch is read from (`[hook] source`).
public enum HookSource: Hashable, Sendable {
    /// A Linux input device and the key it reports for the hook (`KEY_PHONE`, or a number).
    case evdev(path: String, key: String)
    /// A USB HID device reporting the Telephony page (0x0B) Hook Switch usage (0x20).
    case hidraw(path: String)
    case gpio(GPIOLine)
    /// A FIFO the daemon creates; a line `offhook` lifts the handset, `onhook` hangs it up.
    case fifo(path: String)
    /// No hook switch: the handset is answered from the widget.
    case none

    static let expectation = "evdev:PATH:KEY, hidraw:PATH, gpio:CHIP:LINE[:active_low], fifo:PATH or none"

    static func parse(_ text: String, dataDirectory: String) -> ValueParse<HookSource> {
        let expected = ValueProblem(expectation)
        if text == "none" { return .success(.none) }
        guard let colon = text.firstIndex(of: ":") else { return .failure(expected) }
        let kind = text[..<colon], body = text[text.index(after: colon)...]
        func path(_ written: Substring) -> String { ConfigPath.resolve(String(written), against: dataDirectory) }
        switch kind {
        case "evdev":
            // Paths under /dev/input/by-path contain ':', so the key is after the last one.
            guard let last = body.lastIndex(of: ":"), last != body.startIndex else { return .failure(expected) }
            let key = body[body.index(after: last)...]
            guard isKeyName(key) else { return .failure(expected) }
            return .success(.evdev(path: path(body[..<last]), key: String(key)))
        case "hidraw":
            return body.isEmpty ? .failure(expected) : .success(.hidraw(path: path(body)))
        case "fifo":
            return body.isEmpty ? .failure(expected) : .success(.fifo(path: path(body)))
        case "gpio":
            return GPIOLine.parse(body, dataDirectory: dataDirectory).map { .success(.gpio($0)) } ?? .failure(expected)
        default:
            return .failure(expected)
        }
    }

    /// `KEY_PHONE`, `BTN_0` (names from linux/input-event-codes.h) or a decimal code.
    private static func isKeyName(_ key: Substring) -> Bool {
        if IntegerValue.digits(String(key)) != nil { return true }
        return (key.hasPrefix("KEY_") || key.hasPrefix("BTN_")) && key.count > 4
            && key.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" }
    }
}
