/// Who the sandbox pretends to be: the business number in its fake Graph API and the WhatsApp
/// user who calls it. Public, because `callbox simulate` signs webhooks as they would.
public enum SandboxIdentity {
    /// The business number, used when the config names none.
    public static let phoneNumberID = "100000000000001"
    public static let businessNumber = "15550001234"
    public static let wabaID = "100000000000002"
    /// The sandbox's WhatsApp user, the caller when none is named.
    public static let caller = "34600111222"
}
