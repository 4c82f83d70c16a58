/// `a=setup` (RFC 4145 §4, RFC 8842 §5): which side starts the DTLS handshake.
/// `active` sends the ClientHello; `passive` waits for it; `actpass` lets the answerer choose.
public enum SDPSetupRole: String, Equatable, Sendable {
    case actpass
    case active
    case passive
    case holdconn

    static func parse(_ value: Substring, line: Int) throws(SDPError) -> SDPSetupRole {
        guard let role = SDPSetupRole(rawValue: String(value)) else {
            throw SDPError(.badAttribute, line: line, "expected a=setup:actpass|active|passive|holdconn, found \(SDPText.quoted(value))")
        }
        return role
    }
}
