import COpenSSL
import Glibc
import Runtime

/// The box's DTLS identity: an ECDSA P-256 key and a self-signed X.509 certificate.
/// WebRTC authenticates it by the fingerprint in SDP, not by a CA, so any self-signed
/// certificate will do; ECDSA keeps the Certificate message small enough that a flight fits
/// one datagram (Meta recommends it, §6.1). The only code that touches its `EVP_PKEY`/`X509`.
///
/// `@unchecked Sendable`: immutable after creation; OpenSSL reference-counts both objects
/// atomically and only reads them when a transport adopts them.
public final class DtlsCertificate: @unchecked Sendable {
    public static let keyFileName = "dtls-key.pem"
    public static let certificateFileName = "dtls-cert.pem"
    /// Subject and issuer common name of the self-signed certificate.
    static let commonName = "callbox"
    /// notBefore is backdated so a peer whose clock runs behind still accepts it.
    static let backdatedSeconds = 30 * 86_400
    /// notAfter: ten years, longer than the box will run without a reinstall.
    static let lifetimeSeconds = 3_650 * 86_400
    /// A stored certificate this close to expiry is replaced at start.
    static let renewBeforeSeconds = 30 * 86_400
    /// Serial number length (RFC 5280 §4.1.2.2 allows up to 20 octets; positive).
    static let serialLength = 16

    let key: OpaquePointer
    let certificate: OpaquePointer
    /// SHA-256 of the certificate's DER: what the box puts in `a=fingerprint:sha-256`.
    public let fingerprintSHA256: [UInt8]

    private init(key: OpaquePointer, certificate: OpaquePointer) throws(DtlsCertificateError) {
        self.key = key
        self.certificate = certificate
        guard let fingerprint = DtlsFingerprint.of(certificate: certificate, algorithm: .sha256) else {
            EVP_PKEY_free(key)
            X509_free(certificate)
            throw .generationFailed("X509_digest: \(OpenSSLLibrary.drainErrors())")
        }
        self.fingerprintSHA256 = fingerprint.bytes
    }

    deinit {
        EVP_PKEY_free(key)
        X509_free(certificate)
    }

    /// The certificate's fingerprint with the given hash (RFC 8122 §5).
    public func fingerprint(algorithm: DtlsFingerprintAlgorithm) -> DtlsFingerprint {
        if algorithm == .sha256 { return DtlsFingerprint(algorithm: .sha256, bytes: fingerprintSHA256) }
        // X509_digest fails only on allocation failure; an empty fingerprint then matches no SDP.
        return DtlsFingerprint.of(certificate: certificate, algorithm: algorithm) ?? DtlsFingerprint(algorithm: algorithm, bytes: [])
    }

    /// Loads the identity kept in `directory`, or makes and stores a new one when the files
    /// are missing, unreadable, corrupt, mismatched or near expiry. The directory is created
    /// (mode 0700) if absent. The key is written with mode 0600.
    public static func loadOrCreate(directory: String) throws(DtlsCertificateError) -> DtlsCertificate {
        let log = Logger("dtls")
        let keyPath = directory + "/" + keyFileName
        let certificatePath = directory + "/" + certificateFileName
        let keyPEM = FileContents.read(keyPath)
        let certificatePEM = FileContents.read(certificatePath)
        if let keyPEM, let certificatePEM {
            switch load(keyPEM: keyPEM, certificatePEM: certificatePEM) {
            case let .success(identity):
                restrictKeyMode(keyPath, log: log)
                return identity
            case let .failure(reason):
                log.warning("replacing the stored DTLS certificate", ["directory": directory, "reason": reason.reason])
            }
        } else if keyPEM != nil || certificatePEM != nil {
            log.warning("replacing an incomplete DTLS certificate", ["directory": directory])
        }

        let identity = try generate()
        try ensureDirectory(directory)
        try writeFile(keyPath, contents: try identity.pem(privateKey: true), mode: 0o600, directory: directory)
        try writeFile(certificatePath, contents: try identity.pem(privateKey: false), mode: 0o644, directory: directory)
        log.info("generated the DTLS certificate", ["directory": directory, "fingerprint": identity.fingerprint(algorithm: .sha256).colonHex])
        return identity
    }

    /// A fresh identity in memory only.
    public static func generate() throws(DtlsCertificateError) -> DtlsCertificate {
        guard OpenSSLLibrary.initialized else { throw .generationFailed("OpenSSL did not initialise") }
        let key = try generateKey()
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw .generationFailed("X509_new: \(OpenSSLLibrary.drainErrors())")
        }
        do throws(DtlsCertificateError) {
            try fillAndSign(certificate, key: key)
        } catch {
            EVP_PKEY_free(key)
            X509_free(certificate)
            throw error
        }
        return try DtlsCertificate(key: key, certificate: certificate)
    }

    // MARK: - Generation

    private static func generateKey() throws(DtlsCertificateError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .generationFailed("EVP_PKEY_CTX_new_from_name: \(OpenSSLLibrary.drainErrors())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1, let key else {
            throw .generationFailed("P-256 key generation: \(OpenSSLLibrary.drainErrors())")
        }
        return key
    }

    private static func fillAndSign(_ certificate: OpaquePointer, key: OpaquePointer) throws(DtlsCertificateError) {
        var serial = [UInt8](repeating: 0, count: serialLength)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else {
            throw .generationFailed("RAND_bytes: \(OpenSSLLibrary.drainErrors())")
        }
        serial[0] &= 0x7F // RFC 5280 §4.1.2.2: the serial is a positive integer
        serial[0] |= 0x01 // and non-zero
        let serialNumber = BN_bin2bn(serial, Int32(serial.count), nil)
        defer { BN_free(serialNumber) }
        let name = X509_get_subject_name(certificate)
        let commonName = Array(DtlsCertificate.commonName.utf8)
        guard X509_set_version(certificate, 2) == 1, // X.509 v3
              serialNumber != nil, BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate)) != nil,
              X509_gmtime_adj(X509_getm_notBefore(certificate), -backdatedSeconds) != nil,
              X509_gmtime_adj(X509_getm_notAfter(certificate), lifetimeSeconds) != nil,
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, Int32(commonName.count), -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1,
              X509_set_pubkey(certificate, key) == 1,
              X509_sign(certificate, key, EVP_sha256()) > 0 else {
            throw .generationFailed("building the certificate: \(OpenSSLLibrary.drainErrors())")
        }
    }

    // MARK: - PEM files

    private static func load(keyPEM: [UInt8], certificatePEM: [UInt8]) -> Result<DtlsCertificate, LoadFailure> {
        guard let key = readPEM(keyPEM, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
            return .failure(LoadFailure("unreadable key: \(OpenSSLLibrary.drainErrors())"))
        }
        guard let certificate = readPEM(certificatePEM, { PEM_read_bio_X509($0, nil, nil, nil) }) else {
            EVP_PKEY_free(key)
            return .failure(LoadFailure("unreadable certificate: \(OpenSSLLibrary.drainErrors())"))
        }
        let identity: DtlsCertificate
        do {
            identity = try DtlsCertificate(key: key, certificate: certificate)
        } catch {
            return .failure(LoadFailure(error.description))
        }
        var groupName = [CChar](repeating: 0, count: 64)
        var groupLength = 0
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC,
              EVP_PKEY_get_group_name(key, &groupName, groupName.count, &groupLength) == 1,
              String(decoding: groupName.prefix(groupLength).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1" else {
            return .failure(LoadFailure("key is not ECDSA P-256"))
        }
        guard X509_check_private_key(certificate, key) == 1 else {
            _ = OpenSSLLibrary.drainErrors()
            return .failure(LoadFailure("certificate does not match the key"))
        }
        var renewal = time(nil) + time_t(renewBeforeSeconds)
        guard X509_cmp_time(X509_get0_notAfter(certificate), &renewal) > 0 else {
            return .failure(LoadFailure("certificate expires within \(renewBeforeSeconds / 86_400) days"))
        }
        return .success(identity)
    }

    private static func readPEM(_ pem: [UInt8], _ read: (OpaquePointer?) -> OpaquePointer?) -> OpaquePointer? {
        guard let bio = BIO_new_mem_buf(pem, Int32(pem.count)) else { return nil }
        defer { BIO_free(bio) }
        return read(bio)
    }

    private func pem(privateKey: Bool) throws(DtlsCertificateError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .generationFailed("BIO_new: \(OpenSSLLibrary.drainErrors())") }
        defer { BIO_free(bio) }
        let written = privateKey
            ? PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil)
            : PEM_write_bio_X509(bio, certificate)
        guard written == 1 else { throw .generationFailed("PEM encoding: \(OpenSSLLibrary.drainErrors())") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let count = BIO_read(bio, &bytes, Int32(bytes.count))
        guard count == Int32(bytes.count) else { throw .generationFailed("PEM encoding: short read") }
        return bytes
    }

    /// A key readable by group or others (restored from a backup, copied by hand) is put
    /// back to 0600; failing that is logged, not fatal, since the identity itself is fine.
    private static func restrictKeyMode(_ keyPath: String, log: Logger) {
        var status = stat()
        guard stat(keyPath, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        if chmod(keyPath, 0o600) != 0 {
            log.warning("DTLS key is readable by others and cannot be restricted", ["path": keyPath, "reason": String(cString: strerror(errno))])
        }
    }

    private static func ensureDirectory(_ directory: String) throws(DtlsCertificateError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .directoryNotWritable(path: directory, reason: "not a directory")
            }
            return
        }
        guard mkdir(directory, 0o700) == 0 else {
            throw .directoryNotWritable(path: directory, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes through a temporary file and rename, so a power cut leaves the old file or the
    /// new one, never half of one; a key and certificate that end up mismatched are replaced
    /// at the next start.
    private static func writeFile(_ path: String, contents: [UInt8], mode: mode_t, directory: String) throws(DtlsCertificateError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw .directoryNotWritable(path: directory, reason: String(cString: strerror(errno)))
        }
        var failure: String?
        // open() applied the umask; fchmod makes the mode exactly what was asked.
        if fchmod(descriptor, mode) != 0 { failure = String(cString: strerror(errno)) }
        var offset = 0
        while failure == nil, offset < contents.count {
            let count = contents[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
            } else {
                offset += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
    }

    private struct LoadFailure: Error {
        // The reason is logged, then the identity is regenerated.
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// Why the DTLS identity could not be made or kept.
public enum DtlsCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory cannot be created or written: the box cannot keep its identity.
    case directoryNotWritable(path: String, reason: String)
    /// A file could not be written completely.
    case writeFailed(path: String, reason: String)
    /// OpenSSL could not make the key or certificate.
    case generationFailed(String)

    public var description: String {
        switch self {
        case let .directoryNotWritable(path, reason): "DTLS certificate directory \(path) is not writable: \(reason)"
        case let .writeFailed(path, reason): "could not write \(path): \(reason)"
        case let .generationFailed(reason): "could not generate the DTLS certificate: \(reason)"
        }
    }
}
