/// A STUN message (RFC 8489, wire-compatible with RFC 5389 peers): header fields and the
/// attributes in order. `parse` keeps the received bytes so MESSAGE-INTEGRITY and FINGERPRINT
/// can be checked against exactly what was on the wire.
public struct StunMessage: Sendable, Equatable {
    // Any change makes the received bytes stale, so verification falls back to the encoding.
    public var messageClass: StunClass { didSet { received = [] } }
    public var method: StunMethod { didSet { received = [] } }
    public var transactionID: StunTransactionID { didSet { received = [] } }
    /// In wire order. Attributes that follow MESSAGE-INTEGRITY, other than
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, are dropped as RFC 8489 §14.5 requires.
    public var attributes: [StunAttribute] { didSet { received = [] } }

    /// The bytes `parse` read and where its security attributes start, for verification;
    /// the offsets only mean something while `received` is not empty.
    private var received: [UInt8] = []
    private var integrityOffset: Int?
    private var integritySHA256Offset: Int?
    private var fingerprintOffset: Int?

    public static let headerLength = 20
    /// A bound on attributes per message so a crafted datagram cannot make parsing costly;
    /// ICE checks carry about eight (RFC 8445 §7.1).
    public static let maxAttributes = 64

    public init(messageClass: StunClass, method: StunMethod = .binding, transactionID: StunTransactionID = .random(), attributes: [StunAttribute] = []) {
        self.messageClass = messageClass
        self.method = method
        self.transactionID = transactionID
        self.attributes = attributes
    }

    public static func == (lhs: StunMessage, rhs: StunMessage) -> Bool {
        lhs.messageClass == rhs.messageClass && lhs.method == rhs.method
            && lhs.transactionID == rhs.transactionID && lhs.attributes == rhs.attributes
    }

    // MARK: Parsing

    public static func parse(_ bytes: [UInt8]) throws(StunError) -> StunMessage {
        guard bytes.count >= headerLength else { throw .shortHeader(count: bytes.count) }
        guard bytes[0] & 0xC0 == 0 else { throw .notStun(firstByte: bytes[0]) }
        let cookie = UInt32(StunAttribute.readBigEndian(bytes[4..<8]))
        guard cookie == StunAttribute.magicCookie else { throw .badMagicCookie(cookie) }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length % 4 == 0 else { throw .lengthNotMultipleOfFour(length) }
        guard length == bytes.count - headerLength else { throw .lengthMismatch(declared: length, available: bytes.count - headerLength) }

        let type = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let classBits = (type >> 4 & 0x1) | (type >> 7 & 0x2)
        let methodBits = (type & 0x000F) | (type >> 1 & 0x0070) | (type >> 2 & 0x0F80)
        guard let transactionID = StunTransactionID(bytes: bytes[8..<20]),
              let messageClass = StunClass(rawValue: classBits) else { throw .shortHeader(count: bytes.count) }
        var attributes: [StunAttribute] = []
        var integrityOffset: Int?
        var integritySHA256Offset: Int?
        var fingerprintOffset: Int?

        var offset = headerLength
        var count = 0
        // The length is a multiple of 4 and so is every padded attribute, so whenever bytes
        // remain a whole 4-byte attribute header does.
        while offset + 4 <= bytes.count {
            let attributeType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let valueLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let padded = (valueLength + 3) & ~3
            guard padded <= bytes.count - offset - 4 else {
                throw .attributeOverrun(type: attributeType, offset: offset, length: valueLength)
            }
            count += 1
            guard count <= maxAttributes else { throw .tooManyAttributes(limit: maxAttributes) }
            if fingerprintOffset != nil { throw .attributeAfterFingerprint(type: attributeType) }

            let value = bytes[(offset + 4)..<(offset + 4 + valueLength)]
            let isFingerprint = attributeType == StunAttribute.Kind.fingerprint
            let isIntegritySHA256 = attributeType == StunAttribute.Kind.messageIntegritySHA256
            let ignored = (integrityOffset != nil && !isFingerprint && !isIntegritySHA256)
                || (integritySHA256Offset != nil && !isFingerprint)
            if !ignored {
                attributes.append(try StunAttribute.decode(type: attributeType, value: value, transactionID: transactionID))
                switch attributeType {
                case StunAttribute.Kind.messageIntegrity: integrityOffset = offset
                case StunAttribute.Kind.messageIntegritySHA256: integritySHA256Offset = offset
                case StunAttribute.Kind.fingerprint: fingerprintOffset = offset
                default: break
                }
            }
            offset += 4 + padded
        }
        var message = StunMessage(messageClass: messageClass, method: StunMethod(rawValue: methodBits), transactionID: transactionID, attributes: attributes)
        message.received = bytes
        message.integrityOffset = integrityOffset
        message.integritySHA256Offset = integritySHA256Offset
        message.fingerprintOffset = fingerprintOffset
        return message
    }

    // MARK: Serializing

    /// The message with its attributes exactly as listed, including any security attributes
    /// already in the list (a parsed message re-encodes to the same bytes, padding aside).
    public func serialize() -> [UInt8] {
        var bytes = header()
        for attribute in attributes { append(attribute, to: &bytes, padding: 0) }
        return bytes
    }

    /// The message with any existing MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
    /// replaced: MESSAGE-INTEGRITY (HMAC-SHA1 under `integrityKey`, RFC 8489 §14.5) when a key is
    /// given, then FINGERPRINT (RFC 8489 §14.7) when asked. `padding` exists to reproduce the
    /// RFC 5769 vectors, which pad with spaces to prove receivers ignore padding.
    public func serialize(integrityKey: [UInt8]?, fingerprint: Bool) -> [UInt8] {
        serialize(integrityKey: integrityKey, fingerprint: fingerprint, padding: 0)
    }

    func serialize(integrityKey: [UInt8]?, fingerprint: Bool, padding: UInt8) -> [UInt8] {
        var bytes = header()
        for attribute in attributes {
            switch attribute {
            case .messageIntegrity, .messageIntegritySHA256, .fingerprint: continue
            default: append(attribute, to: &bytes, padding: padding)
            }
        }
        if let integrityKey {
            Self.setLength(&bytes, bytes.count - Self.headerLength + 4 + StunHmac.sha1Length)
            append(.messageIntegrity(StunHmac.sha1(key: integrityKey, message: bytes)), to: &bytes, padding: padding)
        }
        if fingerprint {
            Self.setLength(&bytes, bytes.count - Self.headerLength + 8)
            append(.fingerprint(StunCrc32.checksum(bytes) ^ StunAttribute.fingerprintXor), to: &bytes, padding: padding)
        }
        return bytes
    }

    private func header() -> [UInt8] {
        let classBits = messageClass.rawValue
        let method = method.rawValue
        let type = (method & 0x000F) | (method & 0x0070) << 1 | (method & 0x0F80) << 2 | (classBits & 0x1) << 4 | (classBits & 0x2) << 7
        var bytes = [UInt8(type >> 8), UInt8(type & 0xFF), 0, 0]
        bytes += StunAttribute.bigEndian(UInt64(StunAttribute.magicCookie), count: 4)
        bytes += transactionID.bytes
        return bytes
    }

    private func append(_ attribute: StunAttribute, to bytes: inout [UInt8], padding: UInt8) {
        let value = attribute.value(transactionID: transactionID)
        bytes += StunAttribute.bigEndian(UInt64(attribute.type), count: 2)
        bytes += StunAttribute.bigEndian(UInt64(value.count), count: 2)
        bytes += value
        bytes += [UInt8](repeating: padding, count: (4 - value.count % 4) % 4)
        Self.setLength(&bytes, bytes.count - Self.headerLength)
    }

    private static func setLength(_ bytes: inout [UInt8], _ length: Int) {
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
    }

    // MARK: Verification

    /// True when the message carries MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 and every
    /// one present matches `key` (for ICE, the UTF-8 of the password: RFC 8489 §9.1.1).
    public func verifyIntegrity(key: [UInt8]) -> Bool {
        let wire = wireForm()
        let input = { (offset: Int, valueLength: Int) -> [UInt8] in
            var bytes = Array(wire.received[0..<offset])
            Self.setLength(&bytes, offset - Self.headerLength + 4 + valueLength)
            return bytes
        }
        var verified = false
        if let offset = wire.integrityOffset {
            let claimed = wire.received[(offset + 4)..<(offset + 4 + StunHmac.sha1Length)]
            guard StunHmac.constantTimeEqual(claimed, StunHmac.sha1(key: key, message: input(offset, StunHmac.sha1Length))) else { return false }
            verified = true
        }
        if let offset = wire.integritySHA256Offset {
            let length = Int(wire.received[offset + 2]) << 8 | Int(wire.received[offset + 3])
            let claimed = wire.received[(offset + 4)..<(offset + 4 + length)]
            let expected = StunHmac.sha256(key: key, message: input(offset, length)).prefix(length)
            guard StunHmac.constantTimeEqual(claimed, Array(expected)) else { return false }
            verified = true
        }
        return verified
    }

    /// True when FINGERPRINT is present and is the CRC-32 of everything before it, XOR 0x5354554e.
    public func verifyFingerprint() -> Bool {
        let wire = wireForm()
        guard let offset = wire.fingerprintOffset else { return false }
        var bytes = Array(wire.received[0..<offset])
        Self.setLength(&bytes, offset - Self.headerLength + 8)
        let claimed = UInt32(StunAttribute.readBigEndian(wire.received[(offset + 4)..<(offset + 8)]))
        return claimed == StunCrc32.checksum(bytes) ^ StunAttribute.fingerprintXor
    }

    /// A message built in code has no received bytes; its own encoding stands in for them.
    private func wireForm() -> StunMessage {
        if !received.isEmpty { return self }
        return (try? Self.parse(serialize())) ?? self
    }

    // MARK: Attribute access

    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    public var xorMappedAddress: SocketAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    public var mappedAddress: SocketAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    public var hasUseCandidate: Bool { attributes.contains(.useCandidate) }

    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    public var errorCode: (code: Int, reason: String)? {
        for case .errorCode(let code, let reason) in attributes { return (code, reason) }
        return nil
    }

    public var hasFingerprint: Bool { attributes.contains { $0.type == StunAttribute.Kind.fingerprint } }

    public var hasIntegrity: Bool {
        attributes.contains { $0.type == StunAttribute.Kind.messageIntegrity || $0.type == StunAttribute.Kind.messageIntegritySHA256 }
    }

    /// Comprehension-required attribute types this implementation does not understand; a
    /// request carrying any gets a 420 listing them (RFC 8489 §6.3.1.1).
    public var unknownComprehensionRequired: [UInt16] {
        attributes.compactMap { attribute in
            guard case .other(let type, _) = attribute, StunAttribute.isComprehensionRequired(type) else { return nil }
            return type
        }
    }
}
