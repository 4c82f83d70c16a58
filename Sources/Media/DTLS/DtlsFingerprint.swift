import COpenSSL

/// The hash functions an SDP `a=fingerprint` line may name (RFC 8122 §5). Meta only
/// handles sha-256, so that is what the box sends; the others are accepted from peers.
public enum DtlsFingerprintAlgorithm: String, Sendable, CaseIterable {
    case sha256 = "sha-256"
    case sha384 = "sha-384"
    case sha512 = "sha-512"

    /// Digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The algorithm an SDP token names; case-insensitive (RFC 8122 §5 hash-func is a token).
    public init?(sdpName: String) {
        guard let algorithm = DtlsFingerprintAlgorithm.allCases.first(where: { $0.rawValue == sdpName.lowercased() }) else {
            return nil
        }
        self = algorithm
    }

    var evpDigest: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// A certificate fingerprint as SDP carries it: `a=fingerprint:sha-256 AB:CD:…` (RFC 8122 §5).
public struct DtlsFingerprint: Sendable, Equatable, CustomStringConvertible {
    public let algorithm: DtlsFingerprintAlgorithm
    public let bytes: [UInt8]

    public init(algorithm: DtlsFingerprintAlgorithm, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses the algorithm token and colon-separated hex of an `a=fingerprint` value.
    public init(sdpAlgorithm: String, colonHex: String) throws(DtlsFingerprintError) {
        guard let algorithm = DtlsFingerprintAlgorithm(sdpName: sdpAlgorithm) else {
            throw .unsupportedAlgorithm(sdpAlgorithm)
        }
        var bytes: [UInt8] = []
        for pair in colonHex.split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.utf8.count == 2, let byte = UInt8(pair, radix: 16) else { throw .malformedHex(colonHex) }
            bytes.append(byte)
        }
        guard bytes.count == algorithm.digestLength else {
            throw .wrongLength(algorithm: algorithm, bytes: bytes.count)
        }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// Upper-case hex pairs joined by colons, as RFC 8122 §5 writes them.
    public var colonHex: String { DtlsFingerprint.colonHex(bytes) }

    /// The value of an `a=fingerprint:` attribute: `sha-256 AB:CD:…`.
    public var sdpValue: String { "\(algorithm.rawValue) \(colonHex)" }

    public var description: String { sdpValue }

    /// Upper-case hex pairs joined by colons.
    public static func colonHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The fingerprint of an X.509 certificate: the digest of its DER encoding (RFC 8122 §5).
    static func of(certificate: OpaquePointer, algorithm: DtlsFingerprintAlgorithm) -> DtlsFingerprint? {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, algorithm.evpDigest, &digest, &length) == 1 else { return nil }
        return DtlsFingerprint(algorithm: algorithm, bytes: Array(digest.prefix(Int(length))))
    }
}

/// Why an SDP fingerprint value was refused.
public enum DtlsFingerprintError: Error, Sendable, Equatable {
    case unsupportedAlgorithm(String)
    case malformedHex(String)
    case wrongLength(algorithm: DtlsFingerprintAlgorithm, bytes: Int)
}
