/// Why an SDP was refused: what kind of problem, on which line (1-based), and what was
/// expected there. Line 0 means the problem is not about one line (an offer we cannot
/// answer, local parameters we cannot write).
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// No lines at all.
        case empty
        /// The first line is not `v=`.
        case missingVersion
        /// `v=` carries something other than 0.
        case unsupportedVersion
        /// Not `<letter>=<value>`.
        case malformedLine
        /// A type letter RFC 8866 does not define.
        case unknownLineType
        /// A line that may appear once appears again, or a session line after the first `m=`.
        case misplacedLine
        case missingOrigin
        case missingSessionName
        case badOrigin
        case badConnection
        case badMediaLine
        /// An attribute we use whose value does not follow its RFC.
        case badAttribute
        case badCandidate
        case badFingerprint
        /// Two values for an attribute that may have one (two `a=mid`, `a=setup`, directions…).
        case conflictingAttribute

        // An offer we cannot answer.
        case noAudioSection
        case unsupportedProtocol
        case noOpus
        case noICECredentials
        case noFingerprint
        case noRTCPMux
        case setupConflict

        /// Our own parameters cannot be written as valid SDP.
        case badLocalParameters
    }

    public let kind: Kind
    public let line: Int
    /// What was expected, and what was found instead.
    public let detail: String

    public init(_ kind: Kind, line: Int, _ detail: String) {
        self.kind = kind
        self.line = line
        self.detail = detail
    }

    public var description: String {
        line > 0 ? "SDP line \(line): \(detail)" : "SDP: \(detail)"
    }
}
