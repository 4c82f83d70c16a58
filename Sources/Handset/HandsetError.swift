import Glibc

/// Why a piece of handset hardware could not be opened or configured: the message names
/// the device and the system's reason, for the log and `check-config`.
public struct HandsetError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// `what` failed with the negative errno / ALSA error code `code`.
    static func system(_ what: String, code: Int32) -> HandsetError {
        HandsetError("\(what): \(String(cString: strerror(abs(code))))")
    }
}
