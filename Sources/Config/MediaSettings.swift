import Glibc

/// `[media]`: where the box's own WebRTC media (the desk handset) is reachable.
public struct MediaSettings: Hashable, Sendable {
    /// The addresses offered as ICE host candidates. Empty: every address of every
    /// interface that is up, loopback and link-local excepted (spec §6.2: Meta needs no
    /// more than the LAN address; it learns the NAT's address from the checks).
    public var addresses: [String]

    static func read(_ reader: inout SectionReader) -> MediaSettings {
        MediaSettings(addresses: reader.value("addresses", Self.parseAddresses) ?? [])
    }

    static func parseAddresses(_ text: String) -> ValueParse<[String]> {
        let expected = ValueProblem("IPv4 or IPv6 addresses separated by spaces or commas (127.0.0.1, ::1)")
        var addresses: [String] = []
        for item in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            let address = String(item)
            var buffer = [UInt8](repeating: 0, count: 16)
            let valid = buffer.withUnsafeMutableBytes { bytes in
                inet_pton(AF_INET, address, bytes.baseAddress) == 1 || inet_pton(AF_INET6, address, bytes.baseAddress) == 1
            }
            guard valid else { return .failure(expected) }
            addresses.append(address)
        }
        return addresses.isEmpty ? .failure(expected) : .success(addresses)
    }
}
