/// Who placed the call, in Meta's terms (`USER_INITIATED` / `BUSINESS_INITIATED`, spec §2.1).
public enum CallDirection: String, Hashable, Sendable, CaseIterable {
    case inbound
    case outbound
}
