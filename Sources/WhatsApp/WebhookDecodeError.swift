/// Why part of a webhook delivery could not be read: where (a JSON path such as
/// `entry[0].changes[1].value.calls[0].id`) and what was wrong there.
public struct WebhookDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
