/// Where a business stands with one WhatsApp user's call permission, as the box believes it.
/// Meta holds the truth (whatsapp-cloud-api.md §4.4); `PermissionPolicy.reconcile` corrects this.
public enum PermissionState: Hashable, Sendable {
    /// Never asked, or Meta reports no permission.
    case none
    /// A request was sent and no reply has arrived.
    case requested
    /// The user granted a permission that lapses at `expires`.
    case temporary(expires: Instant)
    /// The user granted a permission until they revoke it.
    case permanent
    /// The user declined the last request.
    case rejected
    /// Unanswered business-initiated calls withdrew the permission (§4.5).
    case revoked

    /// The journal's spelling (the `permissions.state` CHECK constraint).
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case none, requested, temporary, permanent, rejected, revoked
    }

    public var name: Name {
        switch self {
        case .none: .none
        case .requested: .requested
        case .temporary: .temporary
        case .permanent: .permanent
        case .rejected: .rejected
        case .revoked: .revoked
        }
    }

    public var expires: Instant? {
        if case .temporary(let expires) = self { return expires }
        return nil
    }

    /// Whether a business-initiated call may be placed under this state at `now`.
    public func grants(at now: Instant) -> Bool {
        switch self {
        case .permanent: true
        case .temporary(let expires): now < expires
        case .none, .requested, .rejected, .revoked: false
        }
    }
}
