import CSRTP

/// libsrtp's process-wide setup. `srtp_init` must run once before any session is made;
/// a Swift global is initialised exactly once, thread-safely, on first use.
enum LibSrtp {
    static let initialized: srtp_err_status_t = srtp_init()
}
