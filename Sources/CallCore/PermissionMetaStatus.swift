/// Meta's answer to `GET …/call_permissions` (whatsapp-cloud-api.md §4.4 `permission.status`),
/// the source of truth the box reconciles with.
public enum PermissionMetaStatus: Hashable, Sendable {
    /// `no_permission`; also what an uncallable number returns.
    case noPermission
    /// `temporary` with its `expiration_time`.
    case temporary(expires: Instant)
    /// `permanent`, no expiry.
    case permanent
}
