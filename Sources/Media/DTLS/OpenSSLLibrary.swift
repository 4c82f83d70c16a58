import COpenSSL

/// OpenSSL's process-wide pieces the DTLS code needs: one library initialisation and one
/// ex_data slot through which the certificate-verify callback finds its transport. Swift
/// globals are initialised once, thread-safely, on first use.
enum OpenSSLLibrary {
    /// True when libssl initialised; OpenSSL 3 would do it lazily, doing it once up front
    /// makes a broken installation fail at the first transport instead of mid-handshake.
    static let initialized: Bool = OPENSSL_init_ssl(0, nil) == 1

    /// The SSL ex_data index holding the owning `DtlsTransport`.
    static let transportSlot: Int32 = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, nil, nil, nil, nil)

    /// Empties this thread's OpenSSL error queue into one line, so a failure reason says
    /// what OpenSSL said and no stale error leaks into the next operation.
    static func drainErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.joined(separator: "; ")
    }
}
