/// The CRM objects the box writes, with where each keeps the outbox's idempotency key.
public enum CRMObjectType: String, Sendable, CaseIterable {
    case calls, communications

    /// The property searched to find an object by its key after an ambiguous failure.
    ///
    /// Calls: `hs_call_external_id`, a default call property HubSpot documents for calling
    /// apps ("the unique ID associated with a call", recordings-and-transcriptions guide)
    /// and that integrations search with `EQ` to avoid duplicates. Left alone by HubSpot
    /// unless `hs_call_source` is INTEGRATIONS_PLATFORM, which the box does not set.
    ///
    /// Communications have no documented external-id property, and a custom property would
    /// need the installer to create it (and a schema scope). So the key goes into the body as
    /// one alphanumeric token (`IdempotencyToken`), which HubSpot's tokenizer keeps whole,
    /// and is found with `CONTAINS_TOKEN` on `hs_communication_body`.
    public var idempotencyProperty: String {
        switch self {
        case .calls: "hs_call_external_id"
        case .communications: "hs_communication_body"
        }
    }

    /// HUBSPOT_DEFINED association type from this object to a contact (spec §9.3).
    public var contactAssociationTypeID: Int64 {
        switch self {
        case .calls: 194
        case .communications: 81
        }
    }
}
