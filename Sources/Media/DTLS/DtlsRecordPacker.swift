/// Splits what OpenSSL wrote to the outgoing memory BIO into DTLS records and packs them
/// into datagrams no larger than the MTU. A memory BIO keeps no datagram boundaries, and
/// several records may share one datagram (RFC 6347 §4.1.1), so a whole flight usually goes
/// out as one datagram.
enum DtlsRecordPacker {
    /// DTLS record header: type, version, epoch, sequence number, length (RFC 6347 §4.1).
    static let headerLength = 13

    static func datagrams(from bytes: [UInt8], mtu: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let recordLength: Int
            if bytes.count - offset >= headerLength {
                let bodyLength = Int(bytes[offset + 11]) << 8 | Int(bytes[offset + 12])
                recordLength = min(headerLength + bodyLength, bytes.count - offset)
            } else {
                recordLength = bytes.count - offset
            }
            if !current.isEmpty, current.count + recordLength > mtu {
                datagrams.append(current)
                current = []
            }
            current += bytes[offset..<(offset + recordLength)]
            offset += recordLength
        }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }
}
