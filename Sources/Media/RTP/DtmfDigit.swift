/// A DTMF key: RFC 4733 §3.2 events 0-9 for the digits, 10 `*`, 11 `#`, 12-15 `A`-`D`.
public struct DtmfDigit: Hashable, Sendable {
    /// RFC 4733 §3.2: the 16 DTMF events.
    public static let eventCount: UInt8 = 16

    public let event: UInt8

    public init?(event: UInt8) {
        guard event < Self.eventCount else { return nil }
        self.event = event
    }

    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case 48...57: event = ascii - 48                 // "0"..."9"
        case 42: event = 10                              // "*"
        case 35: event = 11                              // "#"
        case 65...68: event = 12 + ascii - 65            // "A"..."D"
        case 97...100: event = 12 + ascii - 97           // "a"..."d"
        default: return nil
        }
    }

    public var character: Character {
        switch event {
        case 0...9: Character(Unicode.Scalar(48 + event))
        case 10: "*"
        case 11: "#"
        default: Character(Unicode.Scalar(65 + event - 12))
        }
    }
}
