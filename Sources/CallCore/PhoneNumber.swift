/// A phone number as WhatsApp identifies users: international digits without `+`
/// (spec §2.1 `from`/`to`, `wa_id`), kept inline.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// Most digits accepted. E.164 allows 15; the rest is headroom for extensions that
    /// installers paste, refused rather than truncated beyond it.
    public static let maxDigits = 20

    private var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private var length: UInt8 = 0

    /// Accepts what people type: a leading `+` or international `00`, spaces, dashes and
    /// brackets between digits. Anything else (letters, dots, a `+` after a digit) is refused,
    /// as is a number with no digits or more than `maxDigits`.
    public init?<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var count = 0
        var sawPlus = false
        var sawDigit = false
        var leadingZeros = 0
        let valid: Bool = withUnsafeMutableBytes(of: &digits) { storage in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if count == leadingZeros, byte == UInt8(ascii: "0"), leadingZeros < 2, !sawPlus {
                        leadingZeros += 1
                    }
                    guard count < PhoneNumber.maxDigits + 2 else { return false }
                    storage[count] = byte
                    count += 1
                    sawDigit = true
                case UInt8(ascii: "+"):
                    guard !sawPlus, !sawDigit else { return false }
                    sawPlus = true
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"):
                    continue
                default:
                    return false
                }
            }
            if leadingZeros == 2 {
                for index in 0..<(count - 2) { storage[index] = storage[index + 2] }
                storage[count - 2] = 0
                storage[count - 1] = 0
                count -= 2
            }
            return true
        }
        guard valid, count > 0, count <= PhoneNumber.maxDigits else { return nil }
        length = UInt8(count)
    }

    public init?(_ text: String) {
        self.init(bytes: text.utf8)
    }

    public var count: Int { Int(length) }

    /// The digits as ASCII, for request bodies and journal rows, without building a String.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: digits) { try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(length)])) }
    }

    public var description: String {
        withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    public static func == (a: PhoneNumber, b: PhoneNumber) -> Bool {
        a.length == b.length && a.digits.0 == b.digits.0 && a.digits.1 == b.digits.1 && a.digits.2 == b.digits.2
    }

    public func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: $0) }
    }
}
