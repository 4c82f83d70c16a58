/// The header extension to write after the CSRC list (RFC 3550 §5.3.1): a 16-bit profile
/// (0xBEDE for RFC 8285 one-byte elements, 0x1000 for two-byte ones) and whole 32-bit words.
/// The box sends none; the type exists so tests and fuzz seeds can produce what peers send.
public struct RtpHeaderExtension: Equatable, Sendable {
    /// RFC 8285 §4.2: one-byte element form.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// RFC 8285 §4.3: two-byte element form (the low 4 bits are "appbits").
    public static let twoByteProfile: UInt16 = 0x1000

    public var profile: UInt16
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }
}
