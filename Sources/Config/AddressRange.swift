import Glibc

/// An IPv4 or IPv6 network, written `157.240.0.0/16`, `2a03:2880::/29` or as one address.
/// Used for who may use the connection slots kept for Meta (`[http] webhook_sources`) and whose
/// `X-Forwarded-For` is believed (`[http] trusted_proxies`).
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, host bits zero.
    public let network: [UInt8]
    public let prefixLength: Int

    public var description: String { "\(AddressRange.text(of: network))/\(prefixLength)" }

    public static func parse(_ text: String) -> AddressRange? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let written = Int(parts[1]), (0...bits).contains(written), parts[1].allSatisfy(\.isASCII) else { return nil }
            length = written
        }
        return AddressRange(network: masked(address, to: length), prefixLength: length)
    }

    /// Whether `address` (4 or 16 bytes) is in this network. An IPv4 range also holds the
    /// IPv4-mapped form (`::ffff:157.240.1.1`) that a box listening on `::` sees.
    public func contains(_ address: [UInt8]) -> Bool {
        var candidate = address
        if network.count == 4, address.count == 16, address.prefix(12).elementsEqual(Self.mappedPrefix) {
            candidate = Array(address.suffix(4))
        }
        guard candidate.count == network.count else { return false }
        return Self.masked(candidate, to: prefixLength) == network
    }

    /// The same for an address as written (`203.0.113.7`, `::1`); false for anything else.
    public func contains(address text: String) -> Bool {
        Self.bytes(of: text).map(contains) ?? false
    }

    public static func bytes(of text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if buffer.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 { return Array(buffer.prefix(4)) }
        if buffer.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 { return buffer }
        return nil
    }

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    private static func masked(_ address: [UInt8], to length: Int) -> [UInt8] {
        address.indices.map { index in
            let kept = min(8, max(0, length - index * 8))
            return kept == 8 ? address[index] : address[index] & UInt8(truncatingIfNeeded: 0xff << (8 - kept))
        }
    }

    private static func text(of address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let written = address.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return written == nil ? "?" : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A list of ranges as `[http]` takes them: separated by spaces or commas; `meta` stands for the
/// ranges Meta sends webhooks from, `none` for an empty list.
enum AddressRanges {
    static func parse(_ text: String) -> ValueParse<[AddressRange]> {
        let expected = ValueProblem("addresses or networks such as 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32, the word meta, or none")
        let items = text.split { $0 == " " || $0 == "," || $0 == "\t" }
        guard !items.isEmpty else { return .failure(expected) }
        if items == ["none"] { return .success([]) }
        var ranges: [AddressRange] = []
        for item in items {
            if item == "meta" {
                ranges += metaWebhookSources
            } else if let range = AddressRange.parse(String(item)) {
                ranges.append(range)
            } else {
                return .failure(expected)
            }
        }
        return .success(ranges)
    }

    /// Meta's networks (AS32934). Meta publishes no fixed list for webhooks: its docs point to
    /// `whois -h whois.radb.net -- '-i origin AS32934' | grep ^route`, and recommend mTLS over
    /// allow-lists because the addresses change (spec §1.2). These are the long-standing
    /// aggregates: the ranges Facebook published for its crawler, the relays seen in Meta's
    /// offers (31.13.x, 57.144.x, 157.240.x, spec §11) and 2a03:2880::/29. They only decide who
    /// may use the slots kept back under load; a webhook from them must still be signed.
    static let metaWebhookSources: [AddressRange] = [
        "31.13.24.0/21", "31.13.64.0/18", "57.144.0.0/14", "66.220.144.0/20", "69.63.176.0/20",
        "69.171.224.0/19", "74.119.76.0/22", "103.4.96.0/22", "129.134.0.0/16", "157.240.0.0/16",
        "173.252.64.0/18", "179.60.192.0/22", "185.60.216.0/22", "204.15.20.0/22", "2a03:2880::/29",
    ].map { AddressRange.parse($0)! }
}
