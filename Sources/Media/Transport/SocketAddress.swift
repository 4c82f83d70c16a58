import Glibc

/// A UDP transport address: an IPv4 or IPv6 address and a port, as a plain value that can be
/// hashed, compared and printed, and turned into a `sockaddr` only at the socket call.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in network byte order, held in integers so the value needs no heap storage.
    public enum IP: Sendable, Hashable {
        case v4(UInt32)
        case v6(UInt64, UInt64)
    }

    public var ip: IP
    public var port: UInt16

    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// From the four (IPv4) or sixteen (IPv6) address bytes as they appear on the wire.
    public init?(addressBytes bytes: some Collection<UInt8>, port: UInt16) {
        let array = Array(bytes)
        switch array.count {
        case 4:
            ip = .v4(array.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            ip = .v6(array[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, array[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
        self.port = port
    }

    /// From an address literal without port (`192.0.2.1`, `2001:db8::1`); zone ids are refused
    /// because link-local addresses are never ICE candidates here.
    public init?(ipText: String, port: UInt16) {
        var v4 = in_addr()
        if inet_pton(AF_INET, ipText, &v4) == 1 {
            self.init(addressBytes: withUnsafeBytes(of: v4) { Array($0) }, port: port)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ipText, &v6) == 1 {
            self.init(addressBytes: withUnsafeBytes(of: v6) { Array($0) }, port: port)
            return
        }
        return nil
    }

    /// From `1.2.3.4:5` or `[::1]:5`, the forms `description` prints.
    public init?(text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText) else { return nil }
        if text.hasPrefix("[") {
            guard String(host).contains(":") else { return nil }
        }
        self.init(ipText: String(host), port: port)
    }

    /// From what `recvfrom(2)` or `getifaddrs(3)` filled in; nil for other families.
    public init?(storage: sockaddr_storage) {
        var storage = storage
        let family = Int32(storage.ss_family)
        let value: SocketAddress? = withUnsafeBytes(of: &storage) { raw in
            switch family {
            case AF_INET:
                let address = raw.loadUnaligned(as: sockaddr_in.self)
                return SocketAddress(addressBytes: withUnsafeBytes(of: address.sin_addr) { Array($0) }, port: UInt16(bigEndian: address.sin_port))
            case AF_INET6:
                let address = raw.loadUnaligned(as: sockaddr_in6.self)
                return SocketAddress(addressBytes: withUnsafeBytes(of: address.sin6_addr) { Array($0) }, port: UInt16(bigEndian: address.sin6_port))
            default:
                return nil
            }
        }
        guard let value else { return nil }
        self = value
    }

    public var isIPv4: Bool {
        if case .v4 = ip { return true }
        return false
    }

    /// `AF_INET` or `AF_INET6`, for `socket(2)`.
    public var family: Int32 { isIPv4 ? AF_INET : AF_INET6 }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var addressBytes: [UInt8] {
        switch ip {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    public var isLoopback: Bool {
        switch ip {
        case .v4(let value): return value >> 24 == 127
        case .v6(let high, let low): return high == 0 && low == 1
        }
    }

    /// fe80::/10, which needs a zone id and is never offered as a candidate (RFC 8445 §5.1.1.1).
    public var isLinkLocal: Bool {
        switch ip {
        case .v4(let value): return value >> 16 == 0xA9FE
        case .v6(let high, _): return high >> 54 == 0x3FA
        }
    }

    /// The address without port, as `inet_ntop(3)` writes it.
    public var ipText: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let bytes = addressBytes
        let family = self.family
        let written = bytes.withUnsafeBytes { source in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, source.baseAddress, $0.baseAddress, socklen_t($0.count)) }
        }
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String {
        isIPv4 ? "\(ipText):\(port)" : "[\(ipText)]:\(port)"
    }

    /// Lends a `sockaddr` for `sendto(2)`, `bind(2)` and `connect(2)`.
    public func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        let bytes = addressBytes
        switch ip {
        case .v4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            return try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
            return try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}
