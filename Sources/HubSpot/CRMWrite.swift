import Runtime

/// One write the outbox owes HubSpot, by the outbox row's `kind`.
public enum CRMWrite: Equatable, Sendable {
    case call(CallEngagement)
    case communication(WhatsAppCommunication)

    public static let callKind = "hubspot_call"
    public static let communicationKind = "hubspot_communication"

    /// Idempotency keys: one engagement per call id, one communication per wamid, so a
    /// replayed event can never queue a second write.
    public static func callKey(callID: String) -> String { "hubspot-call:" + callID }
    public static func communicationKey(wamid: String) -> String { "hubspot-message:" + wamid }

    public var kind: String {
        switch self {
        case .call: Self.callKind
        case .communication: Self.communicationKind
        }
    }

    public var idempotencyKey: String {
        switch self {
        case let .call(call): Self.callKey(callID: call.callID)
        case let .communication(message): Self.communicationKey(wamid: message.wamid)
        }
    }

    public var payload: [UInt8] {
        switch self {
        case let .call(call): call.payload
        case let .communication(message): message.payload
        }
    }

    public var objectType: CRMObjectType {
        switch self {
        case .call: .calls
        case .communication: .communications
        }
    }

    /// The contact already known for the write (a text sent from a HubSpot record), so the
    /// number need not be matched.
    public var knownContactID: String? {
        switch self {
        case .call: nil
        case let .communication(message): message.contactID
        }
    }

    /// The WhatsApp user's number: the contact the write is associated with.
    public var remoteNumber: String {
        switch self {
        case let .call(call): call.remoteNumber
        case let .communication(message): message.remoteNumber
        }
    }

    public init(kind: String, payload: [UInt8]) throws(CRMPayloadError) {
        switch kind {
        case Self.callKind: self = .call(try CallEngagement(payload: payload))
        case Self.communicationKind: self = .communication(try WhatsAppCommunication(payload: payload))
        default: throw CRMPayloadError(message: "unknown outbox kind '\(kind)'")
        }
    }

    /// `POST /crm/v3/objects/{calls|communications}` body, associated to the contact when
    /// one is known (spec §9.1, §9.3, §9.7).
    public func createBody(idempotencyKey: String, contactID: String?, ownerID: String?) -> JSONValue {
        let properties = switch self {
        case let .call(call): call.properties(idempotencyKey: idempotencyKey, ownerID: ownerID)
        case let .communication(message): message.properties(idempotencyKey: idempotencyKey, ownerID: ownerID)
        }
        var members = [JSONMember("properties", properties)]
        if let contactID {
            members.append(JSONMember("associations", [[
                "to": ["id": .string(contactID)],
                "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .integer(objectType.contactAssociationTypeID)]],
            ]]))
        }
        return .object(members)
    }

    /// `POST /crm/v3/objects/{type}/search` body finding the object carrying `idempotencyKey`.
    public static func searchBody(_ type: CRMObjectType, idempotencyKey: String) -> JSONValue {
        let filter: JSONValue = switch type {
        case .calls: ["propertyName": .string(type.idempotencyProperty), "operator": "EQ", "value": .string(idempotencyKey)]
        case .communications: ["propertyName": .string(type.idempotencyProperty), "operator": "CONTAINS_TOKEN",
                               "value": .string(IdempotencyToken.token(for: idempotencyKey))]
        }
        return ["filterGroups": [["filters": [filter]]], "properties": [.string(type.idempotencyProperty)], "limit": 1]
    }
}
