/// The media direction attributes (RFC 8866 §6.7). Absent at both levels means sendrecv.
public enum SDPDirection: String, Equatable, Sendable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// What an answerer says to a section offered with this direction (RFC 3264 §6.1),
    /// when it is willing to both send and receive.
    public var answered: SDPDirection {
        switch self {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }
}
