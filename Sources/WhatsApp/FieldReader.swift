import Runtime

/// A position inside a parsed document that remembers its JSON path, so every decoding
/// error can say exactly which field was wrong. `null` reads as absent: Meta's senders
/// use both for "not there".
struct FieldReader {
    let value: JSONValue?
    let path: String

    init(_ value: JSONValue?, path: String = "") {
        self.value = value
        self.path = path
    }

    subscript(name: String) -> FieldReader {
        FieldReader(value?[name], path: path.isEmpty ? name : "\(path).\(name)")
    }

    var isPresent: Bool { value != nil && value != .null }

    func failure(_ message: String) -> WebhookDecodeError {
        WebhookDecodeError(path: path, message: message)
    }

    /// Array elements with their own paths; an absent array is empty (Meta omits empty lists).
    func elements() throws(WebhookDecodeError) -> [FieldReader] {
        guard isPresent else { return [] }
        guard let array = value?.array else { throw failure("expected an array") }
        return array.enumerated().map { FieldReader($0.element, path: "\(path)[\($0.offset)]") }
    }

    func object() throws(WebhookDecodeError) -> FieldReader {
        guard isPresent else { throw failure("missing") }
        guard value?.members != nil else { throw failure("expected an object") }
        return self
    }

    func optionalObject() throws(WebhookDecodeError) -> FieldReader? {
        guard isPresent else { return nil }
        return try object()
    }

    func string() throws(WebhookDecodeError) -> String {
        guard isPresent else { throw failure("missing") }
        guard let text = value?.string else { throw failure("expected a string") }
        return text
    }

    func nonEmptyString() throws(WebhookDecodeError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw failure("must not be empty") }
        return text
    }

    func optionalString() throws(WebhookDecodeError) -> String? {
        guard isPresent else { return nil }
        return try string()
    }

    func optionalBool() throws(WebhookDecodeError) -> Bool? {
        guard isPresent else { return nil }
        guard let flag = value?.bool else { throw failure("expected true or false") }
        return flag
    }

    func optionalDouble() throws(WebhookDecodeError) -> Double? {
        guard isPresent else { return nil }
        guard let number = value?.double else { throw failure("expected a number") }
        return number
    }

    /// Digits that Meta documents as integers but sends as strings (timestamps, phone numbers,
    /// error codes); both spellings are accepted, anything else is refused.
    func digits() throws(WebhookDecodeError) -> String {
        guard isPresent else { throw failure("missing") }
        let text: String
        switch value {
        case .string(let string)?: text = string
        case .number(let number)?: text = number
        default: throw failure("expected digits")
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw failure("expected digits, got \"\(text.prefix(32))\"")
        }
        return text
    }

    func optionalDigits() throws(WebhookDecodeError) -> String? {
        guard isPresent else { return nil }
        return try digits()
    }

    /// Unix seconds, or an integer such as an error code or a duration.
    func integer() throws(WebhookDecodeError) -> Int64 {
        let text = try digits()
        guard let number = Int64(text) else { throw failure("number out of range") }
        return number
    }

    func optionalInteger() throws(WebhookDecodeError) -> Int64? {
        guard isPresent else { return nil }
        return try integer()
    }
}
