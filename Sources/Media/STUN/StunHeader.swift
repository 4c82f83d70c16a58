/// The message class, two bits spread through the message type (RFC 8489 §5).
public enum StunClass: UInt16, Sendable, Equatable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// The STUN method, twelve bits of the message type. Only Binding is used by ICE; other
/// methods parse so that a stray TURN or unknown message can be told apart and refused.
public struct StunMethod: RawRepresentable, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }

    /// RFC 8489 §18.2.
    public static let binding = StunMethod(rawValue: 0x001)
}

/// The 96-bit transaction id (RFC 8489 §5), stored inline so a message header needs no heap.
public struct StunTransactionID: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt32
    public var low: UInt64

    public init(high: UInt32, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The twelve bytes in wire order; nil unless exactly twelve.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard array.count == 12 else { return nil }
        high = array[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
        low = array[4..<12].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Fresh from the system's cryptographic generator, as RFC 8489 §5 asks so that responses
    /// cannot be forged by guessing.
    public static func random() -> StunTransactionID {
        var generator = SystemRandomNumberGenerator()
        return StunTransactionID(high: generator.next(), low: generator.next())
    }

    public var bytes: [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: high >> (24 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
