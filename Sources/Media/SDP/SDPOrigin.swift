/// The `o=` line (RFC 8866 §5.2). The session id and version are digit strings of any
/// length in the RFC, so they are kept as text rather than forced into an integer.
public struct SDPOrigin: Equatable, Sendable {
    public let username: String
    public let sessionID: String
    public let sessionVersion: String
    public let networkType: String
    public let addressType: String
    public let address: String

    public init(username: String, sessionID: String, sessionVersion: String, networkType: String, addressType: String, address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPOrigin {
        let fields = SDPText.fields(value)
        guard fields.count == 6 else {
            throw SDPError(.badOrigin, line: line, "expected o=<username> <sess-id> <sess-version> IN IP4|IP6 <address>, found \(fields.count) fields")
        }
        for field in fields[1...2] where !field.utf8.allSatisfy(SDPText.isDigit) {
            throw SDPError(.badOrigin, line: line, "expected a decimal session id and version, found \(SDPText.quoted(field))")
        }
        guard SDPText.isNonWhitespace(fields[0]), SDPText.isToken(fields[3]), SDPText.isToken(fields[4]), SDPText.isNonWhitespace(fields[5]) else {
            throw SDPError(.badOrigin, line: line, "expected tokens for the username, network type, address type and address")
        }
        return SDPOrigin(
            username: String(fields[0]), sessionID: String(fields[1]), sessionVersion: String(fields[2]),
            networkType: String(fields[3]), addressType: String(fields[4]), address: String(fields[5]))
    }
}
