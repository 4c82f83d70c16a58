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
        switch character {
        case "0"..."9": event = (character.asciiValue ?? 0) - 48
        case "*": event = 10
        case "#": event = 11
        case "A"..."D": event = 12 + (character.asciiValue ?? 0) - 65
        case "a"..."d": event = 12 + (character.asciiValue ?? 0) - 97
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
