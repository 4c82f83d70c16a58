/// Every timer and bound of the ICE agent, with the rule each comes from.
public enum IceTiming {
    /// Ta: one new check (ordinary or triggered) per 50 ms (RFC 8445 §14.2).
    public static let pacingIntervalMs: Int64 = 50
    /// First retransmission timeout of a check (RFC 8489 §6.2.1, RFC 8445 §14.3).
    public static let checkInitialRtoMs: Int64 = 500
    /// The doubling RTO stops growing here, so a check that first met a peer not yet knowing
    /// our credentials (Meta learns them from our answer, spec §6.2) is soon repeated.
    public static let checkMaxRtoMs: Int64 = 1_600
    /// Transmissions of one check before its pair fails: Rc (RFC 8489 §6.2.1).
    public static let checkMaxTransmissions = 7
    /// No pair succeeded by then: failed, and the call ends as "media never connected".
    public static let connectivityTimeoutMs: Int64 = 10_000
    /// Consent checks every 5 s ± 20 % (RFC 7675 §5.1).
    public static let consentIntervalMinMs: Int64 = 4_000
    public static let consentIntervalMaxMs: Int64 = 6_000
    /// Consent expires 30 s after the last answer (RFC 7675 §5.1).
    public static let consentLostAfterMs: Int64 = 30_000
    /// Without an answer for this long the path is reported disconnected but kept, as
    /// webrtc-pc's "disconnected" state does, until consent expires.
    public static let disconnectedAfterMs: Int64 = 10_000
}

/// Fixed storage bounds: inputs beyond them are refused with an `IceError`, never stored.
public enum IceLimits {
    /// Host and server-reflexive addresses of one box.
    public static let maxLocalCandidates = 8
    /// Meta sends two (spec §6.1); peer-reflexive ones are added as checks arrive.
    public static let maxRemoteCandidates = 16
    public static let maxPairs = 32
    /// Consent transactions kept for matching late answers: 30 s / 4 s.
    static let maxConsentTransactions = 8
}
