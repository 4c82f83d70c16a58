import COpenSSL
import CShims
import Glibc

/// Where a `DtlsTransport` is in its life.
public enum DtlsState: Sendable, Equatable {
    case new, handshaking, connected, failed, closed
}

/// One DTLS 1.2 association carrying DTLS-SRTP key agreement (RFC 5764), over OpenSSL with
/// memory BIOs: it never touches a socket. The caller owns the UDP socket shared with ICE
/// and RTP, hands it every datagram whose first byte is 20–63 (RFC 7983 §7), sends what each
/// call returns, and drives the retransmission timer through `nextTimeout`/`handleTimeout`.
///
/// The peer is authenticated by the certificate fingerprint from its SDP (RFC 5763 §5), not
/// by a CA: any certificate is accepted if its digest matches, and none otherwise.
///
/// Not Sendable: one thread (the one reading the socket) makes every call. OpenSSL's error
/// queue is per thread, and the verify callback reaches back into this object.
public final class DtlsTransport {
    /// Largest datagram the handshake writes: fits the IPv6 minimum MTU (1280) after the
    /// IPv6 and UDP headers, so a flight is never fragmented by IP.
    public static let mtu = 1_200
    /// A handshake not complete by then fails; OpenSSL retransmits after 1 s, doubling
    /// (RFC 6347 §4.2.4.1), so this allows four retransmissions of a lost flight.
    public static let handshakeTimeoutMilliseconds: Int64 = 20_000
    /// Exporter label for SRTP keys (RFC 5764 §4.2).
    static let exporterLabel = "EXTRACTOR-dtls_srtp"
    /// ECDHE with AES-GCM: what browsers, aiortc and Meta negotiate. RSA suites are offered
    /// after ECDSA so a peer with an RSA certificate still connects; our own certificate is
    /// ECDSA, so as server only the ECDSA suites can be chosen.
    static let cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"
    /// RFC 7983 §7: a first byte in 20...63 is DTLS; anything else is not ours.
    static let dtlsFirstBytes: ClosedRange<UInt8> = 20...63
    /// Plaintext read per SSL_read; the association carries no application data, so what
    /// arrives is read in slices and dropped.
    static let readSliceLength = 2_048

    public let role: DtlsRole
    public let remoteFingerprint: DtlsFingerprint
    public private(set) var state: DtlsState = .new

    private let context: OpaquePointer
    private let connection: OpaquePointer
    private let incoming: OpaquePointer
    private let outgoing: OpaquePointer
    private var handshakeDeadline: Int64 = 0
    private var peerFingerprintMismatched = false
    private var readSlice = [UInt8](repeating: 0, count: readSliceLength)

    /// - Parameters:
    ///   - profiles: SRTP profiles to offer (client) or accept (server), preferred first.
    public init(
        role: DtlsRole,
        certificate: DtlsCertificate,
        remoteFingerprint: DtlsFingerprint,
        profiles: [SrtpProfile] = [.aeadAes128Gcm, .aes128CmHmacSha1_80]
    ) throws(DtlsFailure) {
        guard OpenSSLLibrary.initialized, OpenSSLLibrary.transportSlot >= 0 else {
            throw .setupFailed("OpenSSL did not initialise: \(OpenSSLLibrary.drainErrors())")
        }
        guard !profiles.isEmpty else { throw .setupFailed("no SRTP profile to offer") }
        ERR_clear_error()
        let context = try DtlsTransport.makeContext(role: role, certificate: certificate, profiles: profiles)
        guard let connection = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .setupFailed("SSL_new: \(OpenSSLLibrary.drainErrors())")
        }
        guard let incoming = BIO_new(BIO_s_mem()), let outgoing = BIO_new(BIO_s_mem()) else {
            SSL_free(connection)
            SSL_CTX_free(context)
            throw .setupFailed("BIO_new: \(OpenSSLLibrary.drainErrors())")
        }
        // The SSL owns both BIOs from here and frees them with itself.
        SSL_set_bio(connection, incoming, outgoing)
        // A memory BIO cannot report a path MTU; without this OpenSSL would ask it after
        // two timeouts, get 0 and stop being able to write the handshake.
        SSL_set_options(connection, cb_ssl_op_no_query_mtu())
        guard cb_ssl_set_mtu(connection, DtlsTransport.mtu) == DtlsTransport.mtu else {
            SSL_free(connection)
            SSL_CTX_free(context)
            throw .setupFailed("SSL_set_mtu: \(OpenSSLLibrary.drainErrors())")
        }
        switch role {
        case .client: SSL_set_connect_state(connection)
        case .server: SSL_set_accept_state(connection)
        }
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        self.context = context
        self.connection = connection
        self.incoming = incoming
        self.outgoing = outgoing
        // Unretained: the SSL lives and dies with this object.
        SSL_set_ex_data(connection, OpenSSLLibrary.transportSlot, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        SSL_free(connection)
        SSL_CTX_free(context)
    }

    /// Starts the handshake; as client the output holds the ClientHello. Calling
    /// `receive` first starts it implicitly, so a ClientHello that beats the answer is kept.
    public func start(now: Int64) -> DtlsOutput {
        var output = DtlsOutput()
        guard state == .new else { return output }
        state = .handshaking
        handshakeDeadline = now + DtlsTransport.handshakeTimeoutMilliseconds
        advanceHandshake(&output)
        collectOutgoing(&output)
        return output
    }

    /// Feeds one datagram from the peer. Datagrams that are not DTLS, and application data,
    /// are ignored; records OpenSSL cannot authenticate are dropped by it (RFC 6347 §4.1.2.7).
    public func receive(_ datagram: [UInt8], now: Int64) -> DtlsOutput {
        var output = start(now: now)
        guard state == .handshaking || state == .connected else { return output }
        guard let first = datagram.first, DtlsTransport.dtlsFirstBytes.contains(first) else { return output }
        if state == .handshaking, now >= handshakeDeadline {
            fail(.handshakeTimeout, &output)
            return output
        }
        ERR_clear_error()
        let written = datagram.withUnsafeBytes { BIO_write(incoming, $0.baseAddress, Int32($0.count)) }
        guard written == datagram.count else {
            fail(.protocolFailure("BIO_write: \(OpenSSLLibrary.drainErrors())"), &output)
            return output
        }
        if state == .handshaking { advanceHandshake(&output) }
        if state == .connected { readRecords(&output) }
        discardUnread()
        collectOutgoing(&output)
        return output
    }

    /// When `handleTimeout` should next be called (monotonic milliseconds), nil when no timer
    /// runs. OpenSSL keeps the retransmission clock itself; this converts its remaining time
    /// to the caller's clock and never passes the handshake deadline.
    public func nextTimeout(now: Int64) -> Int64? {
        guard state == .handshaking else { return nil }
        var left = timeval()
        guard cb_dtls_get_timeout(connection, &left) == 1 else { return handshakeDeadline }
        // Rounded up: waking before OpenSSL's timer is due would retransmit nothing.
        let milliseconds = Int64(left.tv_sec) * 1_000 + (Int64(left.tv_usec) + 999) / 1_000
        return min(now + milliseconds, handshakeDeadline)
    }

    /// Retransmits the last flight if OpenSSL's timer is due; fails the handshake once the
    /// deadline has passed.
    public func handleTimeout(now: Int64) -> DtlsOutput {
        var output = DtlsOutput()
        guard state == .handshaking else { return output }
        guard now < handshakeDeadline else {
            fail(.handshakeTimeout, &output)
            return output
        }
        ERR_clear_error()
        if cb_dtls_handle_timeout(connection) < 0 {
            fail(.protocolFailure("retransmission: \(OpenSSLLibrary.drainErrors())"), &output)
        }
        collectOutgoing(&output)
        return output
    }

    /// Ends the association: after a completed handshake the output holds close_notify.
    /// Reports no event; the caller knows it closed.
    public func close() -> DtlsOutput {
        var output = DtlsOutput()
        guard state == .connected || state == .handshaking else { return output }
        ERR_clear_error()
        if state == .connected { SSL_shutdown(connection) }
        _ = OpenSSLLibrary.drainErrors()
        state = .closed
        collectOutgoing(&output)
        return output
    }

    // MARK: - Handshake

    private static func makeContext(role: DtlsRole, certificate: DtlsCertificate, profiles: [SrtpProfile]) throws(DtlsFailure) -> OpaquePointer {
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw .setupFailed("SSL_CTX_new: \(OpenSSLLibrary.drainErrors())")
        }
        let profileList = profiles.map(\.opensslName).joined(separator: ":")
        guard SSL_CTX_use_certificate(context, certificate.certificate) == 1,
              SSL_CTX_use_PrivateKey(context, certificate.key) == 1,
              cb_ssl_ctx_set_min_proto_version(context, DTLS1_2_VERSION) == 1,
              cb_ssl_ctx_set_max_proto_version(context, DTLS1_2_VERSION) == 1,
              SSL_CTX_set_cipher_list(context, cipherList) == 1,
              SSL_CTX_set_tlsext_use_srtp(context, profileList) == 0 // 0 is success here
        else {
            SSL_CTX_free(context)
            throw .setupFailed("SSL_CTX setup: \(OpenSSLLibrary.drainErrors())")
        }
        // RFC 5763 §5: both ends present a certificate; as server we must ask for it.
        let mode = role == .server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
        SSL_CTX_set_verify(context, mode) { preverified, store in
            DtlsTransport.verifyPeer(preverified: preverified, store: store)
        }
        return context
    }

    /// OpenSSL's verify callback. Self-signed is the norm in WebRTC, so chain errors are
    /// ignored; the leaf certificate (depth 0) is accepted only if it matches the SDP
    /// fingerprint. Rejecting here makes OpenSSL send a bad_certificate alert, so the peer
    /// fails at once instead of waiting for its timeout.
    private static func verifyPeer(preverified: Int32, store: OpaquePointer?) -> Int32 {
        guard let store else { return 0 }
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        guard let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let owner = SSL_get_ex_data(OpaquePointer(ssl), OpenSSLLibrary.transportSlot),
              let certificate = X509_STORE_CTX_get_current_cert(store) else { return 0 }
        let transport = Unmanaged<DtlsTransport>.fromOpaque(owner).takeUnretainedValue()
        guard transport.peerMatches(certificate) else {
            // Without this the pending self-signed error would be sent as unknown_ca.
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
            return 0
        }
        return 1
    }

    private func peerMatches(_ certificate: OpaquePointer) -> Bool {
        let matches = DtlsFingerprint.of(certificate: certificate, algorithm: remoteFingerprint.algorithm) == remoteFingerprint
        if !matches { peerFingerprintMismatched = true }
        return matches
    }

    private func advanceHandshake(_ output: inout DtlsOutput) {
        let result = SSL_do_handshake(connection)
        if result == 1 {
            finishHandshake(&output)
            return
        }
        switch SSL_get_error(connection, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return
        case SSL_ERROR_ZERO_RETURN:
            fail(.protocolFailure("peer closed during the handshake"), &output)
        default:
            let reason = OpenSSLLibrary.drainErrors()
            fail(peerFingerprintMismatched ? .fingerprintMismatch : .protocolFailure(reason), &output)
        }
    }

    private func finishHandshake(_ output: inout DtlsOutput) {
        // The verify callback already checked the leaf; checking the certificate the session
        // ended up with as well means no OpenSSL path that skips the callback can let a
        // stranger in.
        guard let peer = SSL_get1_peer_certificate(connection) else {
            abandon(.noPeerCertificate, &output)
            return
        }
        let matches = peerMatches(peer)
        X509_free(peer)
        guard matches else {
            abandon(.fingerprintMismatch, &output)
            return
        }
        guard let selected = SSL_get_selected_srtp_profile(connection),
              let profile = SrtpProfile(protectionProfileId: UInt16(truncatingIfNeeded: selected.pointee.id)) else {
            abandon(.noSrtpProfile, &output)
            return
        }
        var exported = [UInt8](repeating: 0, count: 2 * (profile.keyLength + profile.saltLength))
        defer { for index in exported.indices { exported[index] = 0 } }
        let label = Array(DtlsTransport.exporterLabel.utf8)
        guard SSL_export_keying_material(connection, &exported, exported.count, label, label.count, nil, 0, 0) == 1,
              let keys = SrtpKeyingMaterial(profile: profile, exported: exported, weAreClient: role == .client) else {
            abandon(.keyExportFailed(OpenSSLLibrary.drainErrors()), &output)
            return
        }
        state = .connected
        output.events.append(.connected(keys))
    }

    // MARK: - Records and failures

    private func readRecords(_ output: inout DtlsOutput) {
        while true {
            let count = readSlice.withUnsafeMutableBytes { SSL_read(connection, $0.baseAddress, Int32($0.count)) }
            if count > 0 { continue }
            switch SSL_get_error(connection, count) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_ZERO_RETURN:
                // close_notify: answer with ours, as RFC 5246 §7.2.1 asks.
                SSL_shutdown(connection)
                _ = OpenSSLLibrary.drainErrors()
                state = .closed
                output.events.append(.closed)
                return
            default:
                fail(.protocolFailure(OpenSSLLibrary.drainErrors()), &output)
                return
            }
        }
    }

    /// A failure after a completed handshake: tell the peer with close_notify, since
    /// OpenSSL has no alert queued for a check it did not make.
    private func abandon(_ failure: DtlsFailure, _ output: inout DtlsOutput) {
        SSL_shutdown(connection)
        fail(failure, &output)
    }

    private func fail(_ failure: DtlsFailure, _ output: inout DtlsOutput) {
        _ = OpenSSLLibrary.drainErrors()
        state = .failed
        output.events.append(.failed(failure))
    }

    /// Bytes OpenSSL left in the incoming BIO would be read as the front of the next
    /// datagram; DTLS reads whole datagrams, so any leftover is dropped.
    private func discardUnread() {
        while BIO_ctrl_pending(incoming) > 0 {
            let count = readSlice.withUnsafeMutableBytes { BIO_read(incoming, $0.baseAddress, Int32($0.count)) }
            if count <= 0 { return }
        }
    }

    private func collectOutgoing(_ output: inout DtlsOutput) {
        let pending = Int(BIO_ctrl_pending(outgoing))
        guard pending > 0 else { return }
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = bytes.withUnsafeMutableBytes { BIO_read(outgoing, $0.baseAddress, Int32($0.count)) }
        guard count > 0 else { return }
        output.datagrams += DtlsRecordPacker.datagrams(from: Array(bytes.prefix(Int(count))), mtu: DtlsTransport.mtu)
    }
}
