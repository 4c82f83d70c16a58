/// When the desk handset rings for an incoming call (`[routing] handset`).
public enum HandsetRouting: String, Hashable, Sendable, CaseIterable {
    /// With the widgets, from the first ring (after the owner's head start).
    case always
    /// Only when no widget is signed in to take the call.
    case fallback
    /// Never; the handset only places and takes calls picked for it.
    case never
}
