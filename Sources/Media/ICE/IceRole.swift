/// Which agent nominates (RFC 8445 §6.1.1). The box is controlling; Meta, being lite, is
/// always controlled (spec §6.1–6.2).
public enum IceRole: Sendable, Equatable {
    case controlling, controlled
}

/// A full agent gathers, pairs and checks; a lite agent only answers checks (RFC 8445 §2.5).
/// The box is full; the sandbox peer that plays Meta is lite.
public enum IceMode: Sendable, Equatable {
    case full, lite
}
