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

    /// A number, also when sent as a string (`"latitude": "40.41"`), as Meta does with most numbers.
    func optionalDouble() throws(WebhookDecodeError) -> Double? {
        guard isPresent else { return nil }
        if let number = value?.double { return number }
        if let text = value?.string, let number = Double(text) { return number }
        throw failure("expected a number")
    }

    /// A phone number field (`from`, `to`, `wa_id`, `recipient_id`): Meta writes digits, but a
    /// leading `+` (SIP-shaped senders) is read past, and anything else is kept as text for the
    /// log rather than refused: the event still counts, and the caller is then known by their
    /// BSUID or shown as written (captures pasted publicly carry `34****1234`).
    func optionalPhone() throws(WebhookDecodeError) -> String? {
        guard isPresent else { return nil }
        let text: String
        switch value {
        case .string(let string)?: text = string
        case .number(let number)?: text = number
        default: throw failure("expected a phone number")
        }
        let trimmed = text.utf8.first == UInt8(ascii: "+") ? String(text.dropFirst()) : text
        return trimmed.isEmpty ? nil : trimmed
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

    /// An id Meta documents as a string and sometimes writes as a number (media ids).
    func digitsOrText() throws(WebhookDecodeError) -> String {
        if case .number(let number)? = value { return number }
        return try nonEmptyString()
    }

    func optionalDigits() throws(WebhookDecodeError) -> String? {
        guard isPresent else { return nil }
        return try digits()
    }

    /// Unix seconds, or an integer such as an error code or a duration; a JSON number written
    /// with a fraction or exponent (`20.0`, `1.7e9`) is taken at its whole value.
    func integer() throws(WebhookDecodeError) -> Int64 {
        if case .number(let text)? = value, !text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
           let number = Double(text), number >= 0, number < 9.2e18 {
            return Int64(number)
        }
        let text = try digits()
        guard let number = Int64(text) else { throw failure("number out of range") }
        return number
    }

    func optionalInteger() throws(WebhookDecodeError) -> Int64? {
        guard isPresent else { return nil }
        return try integer()
    }
}
