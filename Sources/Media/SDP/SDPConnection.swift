/// The `c=` line (RFC 8866 §5.7): `IN IP4|IP6 <address>`, the address kept as written
/// (it may carry a multicast TTL, or be a host name).
public struct SDPConnection: Equatable, Sendable {
    public let networkType: String
    public let addressType: String
    public let address: String

    public init(networkType: String, addressType: String, address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPConnection {
        let fields = SDPText.fields(value)
        guard fields.count == 3 else {
            throw SDPError(.badConnection, line: line, "expected c=IN IP4|IP6 <address>, found \(fields.count) fields")
        }
        guard fields[0] == "IN" else {
            throw SDPError(.badConnection, line: line, "expected network type IN, found \(SDPText.quoted(fields[0]))")
        }
        guard fields[1] == "IP4" || fields[1] == "IP6" else {
            throw SDPError(.badConnection, line: line, "expected address type IP4 or IP6, found \(SDPText.quoted(fields[1]))")
        }
        guard SDPText.isNonWhitespace(fields[2]) else {
            throw SDPError(.badConnection, line: line, "expected a connection address, found \(SDPText.quoted(fields[2]))")
        }
        return SDPConnection(networkType: "IN", addressType: String(fields[1]), address: String(fields[2]))
    }
}
