/// An error Meta reports asynchronously inside a webhook (`value.errors[]`, a message's or a
/// status's `errors[]`, a terminated call's `error`). Logic keys on `code` and `details`.
public struct MetaError: Sendable, Equatable {
    public var code: Int64
    public var title: String?
    public var message: String?
    /// `error_data.details`: the most specific description.
    public var details: String?
    public var href: String?

    public init(code: Int64, title: String? = nil, message: String? = nil, details: String? = nil, href: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
        self.href = href
    }

    /// An error without a code (none seen, but the text is what agents read) gets code 0.
    static func decode(_ reader: FieldReader) throws(WebhookDecodeError) -> MetaError {
        let error = try reader.object()
        let data = try error["error_data"].optionalObject()
        return MetaError(
            code: try error["code"].optionalInteger() ?? 0,
            title: try error["title"].optionalString(),
            message: try error["message"].optionalString(),
            details: try data?["details"].optionalString(),
            href: try error["href"].optionalString())
    }

    static func decodeList(_ reader: FieldReader) throws(WebhookDecodeError) -> [MetaError] {
        var errors: [MetaError] = []
        for element in try reader.elements() { errors.append(try decode(element)) }
        return errors
    }
}
