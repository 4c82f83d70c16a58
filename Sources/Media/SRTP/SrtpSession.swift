import CSRTP

/// Which way a session's packets travel. libsrtp keeps replay and rollover state per
/// direction, and the two directions run on different threads, so each gets its own session.
public enum SrtpDirection: Sendable, Equatable {
    /// Protects what we send (RTP from the audio thread, RTCP from the loop).
    case outbound
    /// Unprotects what we receive (network thread).
    case inbound
}

/// One libsrtp session for one direction of one call: the only code that touches an `srtp_t`.
///
/// Packets are transformed in place. Protection appends the tag (and for RTCP the SRTCP
/// index), at most `SrtpSession.maximumTrailerLength` bytes: give the buffer that much spare
/// capacity and nothing is allocated per packet.
///
/// `@unchecked Sendable`: a session may be handed to another thread (the outbound one moves
/// to the audio thread), but it must be used by one thread at a time; libsrtp's stream state
/// is not locked. Keeping the two directions in separate sessions is what makes that hold.
public final class SrtpSession: @unchecked Sendable {
    /// Largest trailer either profile appends: 4-byte SRTCP index word + 16-byte GCM tag
    /// (RFC 3711 §3.4, RFC 7714 §14.2). No MKI is used, so libsrtp writes no more.
    public static let maximumTrailerLength = 20
    /// RTP fixed header (RFC 3550 §5.1).
    static let rtpHeaderLength = 12
    /// RTCP common header + sender SSRC (RFC 3550 §6.4).
    static let rtcpHeaderLength = 8
    /// Packets tolerated out of order before one counts as too old. libsrtp's default is
    /// 128; a jitter buffer can see more reordering after a Wi-Fi stall, and libwebrtc uses 1024.
    static let replayWindow = 1024

    public let profile: SrtpProfile
    public let direction: SrtpDirection
    private let session: srtp_t

    public init(profile: SrtpProfile, key: [UInt8], salt: [UInt8], direction: SrtpDirection) throws(SrtpError) {
        guard key.count == profile.keyLength, salt.count == profile.saltLength else {
            throw .badKeyLength(profile: profile, key: key.count, salt: salt.count)
        }
        let initStatus = LibSrtp.initialized
        guard initStatus == srtp_err_status_ok else { throw SrtpError(status: initStatus) }

        var policy = srtp_policy_t()
        switch profile {
        case .aeadAes128Gcm:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        case .aes128CmHmacSha1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        }
        policy.ssrc.type = direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound
        policy.window_size = UInt(SrtpSession.replayWindow)
        policy.allow_repeat_tx = 0
        policy.next = nil

        var masterKey = key + salt
        defer { for index in masterKey.indices { masterKey[index] = 0 } }
        var created: srtp_t?
        let status = masterKey.withUnsafeMutableBufferPointer { bytes -> srtp_err_status_t in
            policy.key = bytes.baseAddress
            return srtp_create(&created, &policy)
        }
        guard status == srtp_err_status_ok, let created else { throw SrtpError(status: status) }
        self.profile = profile
        self.direction = direction
        self.session = created
    }

    deinit { srtp_dealloc(session) }

    // MARK: - Arrays

    /// Encrypts and authenticates an RTP packet in place; the array grows by the tag.
    public func protectRTP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, room: profile.rtpTrailerLength) { buffer, length throws(SrtpError) in
            try protectRTP(in: buffer, length: length)
        }
    }

    /// Verifies and decrypts an SRTP packet in place; the array shrinks to the RTP packet.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, room: 0) { buffer, length throws(SrtpError) in
            try unprotectRTP(in: buffer, length: length)
        }
    }

    /// Encrypts and authenticates an RTCP compound packet in place; grows by index + tag.
    public func protectRTCP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, room: profile.rtcpTrailerLength) { buffer, length throws(SrtpError) in
            try protectRTCP(in: buffer, length: length)
        }
    }

    /// Verifies and decrypts an SRTCP packet in place; the array shrinks to the RTCP packet.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, room: 0) { buffer, length throws(SrtpError) in
            try unprotectRTCP(in: buffer, length: length)
        }
    }

    // MARK: - Fixed buffers

    /// Protects the RTP packet in the first `length` bytes of `buffer`, which needs
    /// `profile.rtpTrailerLength` bytes of room after it. Returns the SRTP packet's length.
    public func protectRTP(in buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        try SrtpSession.checkVersion(buffer, length: length, minimum: SrtpSession.rtpHeaderLength, kind: "RTP")
        try SrtpSession.checkRoom(buffer, length: length, trailer: profile.rtpTrailerLength)
        return try apply(buffer, length: length, srtp_protect)
    }

    /// Unprotects the SRTP packet in the first `length` bytes of `buffer`. Returns the RTP
    /// packet's length.
    public func unprotectRTP(in buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        try SrtpSession.checkVersion(buffer, length: length, minimum: SrtpSession.rtpHeaderLength + profile.rtpTrailerLength, kind: "SRTP")
        return try apply(buffer, length: length, srtp_unprotect)
    }

    /// Protects the RTCP packet in the first `length` bytes of `buffer`, which needs
    /// `profile.rtcpTrailerLength` bytes of room after it. Returns the SRTCP packet's length.
    public func protectRTCP(in buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        try SrtpSession.checkVersion(buffer, length: length, minimum: SrtpSession.rtcpHeaderLength, kind: "RTCP")
        try SrtpSession.checkRoom(buffer, length: length, trailer: profile.rtcpTrailerLength)
        return try apply(buffer, length: length, srtp_protect_rtcp)
    }

    /// Unprotects the SRTCP packet in the first `length` bytes of `buffer`. Returns the RTCP
    /// packet's length.
    public func unprotectRTCP(in buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        try SrtpSession.checkVersion(buffer, length: length, minimum: SrtpSession.rtcpHeaderLength + profile.rtcpTrailerLength, kind: "SRTCP")
        return try apply(buffer, length: length, srtp_unprotect_rtcp)
    }

    // MARK: - Internals

    private func apply(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int,
        _ operation: (srtp_t?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t
    ) throws(SrtpError) -> Int {
        guard length <= Int(Int32.max) - SrtpSession.maximumTrailerLength else {
            throw .malformedPacket("\(length) bytes is larger than any datagram")
        }
        var newLength = Int32(length)
        let status = operation(session, buffer.baseAddress, &newLength)
        guard status == srtp_err_status_ok else { throw SrtpError(status: status) }
        return Int(newLength)
    }

    /// Appends `room` bytes for the trailer (no allocation when the array has the capacity),
    /// runs `body` over the storage with the packet's length, and trims to the length it
    /// returns. On failure the array keeps its original length; its bytes are not to be used.
    private func transform(
        _ packet: inout [UInt8], room: Int,
        _ body: (UnsafeMutableRawBufferPointer, Int) throws(SrtpError) -> Int
    ) throws(SrtpError) {
        let length = packet.count
        packet.append(contentsOf: repeatElement(0, count: room))
        // Array.withUnsafeMutableBytes rethrows untyped errors; a Result keeps the type.
        let result: Result<Int, SrtpError> = packet.withUnsafeMutableBytes { buffer in
            do throws(SrtpError) { return .success(try body(buffer, length)) } catch { return .failure(error) }
        }
        switch result {
        case let .success(newLength): packet.removeLast(packet.count - newLength)
        case let .failure(error):
            packet.removeLast(room)
            throw error
        }
    }

    private static func checkVersion(_ buffer: UnsafeMutableRawBufferPointer, length: Int, minimum: Int, kind: String) throws(SrtpError) {
        guard length >= 0, length <= buffer.count else {
            throw .malformedPacket("length \(length) outside a \(buffer.count)-byte buffer")
        }
        guard length >= minimum else { throw .malformedPacket("\(kind) packet of \(length) bytes, need at least \(minimum)") }
        guard buffer[0] >> 6 == 2 else { throw .malformedPacket("\(kind) version \(buffer[0] >> 6), expected 2") }
    }

    private static func checkRoom(_ buffer: UnsafeMutableRawBufferPointer, length: Int, trailer: Int) throws(SrtpError) {
        guard buffer.count - length >= trailer else {
            throw .noRoomForTrailer(needed: length + trailer, available: buffer.count)
        }
    }
}
