import Runtime

/// Creates engagements and finds them again by their idempotency key. It decides nothing
/// about retrying: the outbox worker does, from the `HubSpotError`.
public final class CRMWriter {
    private let api: HubSpotAPI

    public init(api: HubSpotAPI) {
        self.api = api
    }

    /// Creates the object; its HubSpot id on success.
    public func create(_ write: CRMWrite, idempotencyKey: String, contactID: String?, ownerID: String?,
                       completion: @escaping (Result<String, HubSpotError>) -> Void) {
        let body = write.createBody(idempotencyKey: idempotencyKey, contactID: contactID, ownerID: ownerID)
        api.send("POST", "/crm/v3/objects/\(write.objectType.rawValue)", body: body) { result in
            completion(result.flatMap { answer in
                guard let id = Self.objectID(answer) else {
                    return .failure(HubSpotError(kind: .malformedResponse, httpStatus: 201, message: "created object has no id"))
                }
                return .success(id)
            })
        }
    }

    /// Writes the object's properties onto one that exists (the widget's engagement).
    public func update(_ write: CRMWrite, objectID: String, idempotencyKey: String, ownerID: String?,
                       completion: @escaping (Result<String, HubSpotError>) -> Void) {
        let body = write.createBody(idempotencyKey: idempotencyKey, contactID: nil, ownerID: ownerID)
        api.send("PATCH", "/crm/v3/objects/\(write.objectType.rawValue)/\(objectID)",
                 body: ["properties": body["properties"] ?? .object([])]) { result in
            completion(result.map { _ in objectID })
        }
    }

    /// The id of the object carrying `idempotencyKey`, or nil when HubSpot has none.
    public func find(_ type: CRMObjectType, idempotencyKey: String,
                     completion: @escaping (Result<String?, HubSpotError>) -> Void) {
        api.send("POST", "/crm/v3/objects/\(type.rawValue)/search", body: CRMWrite.searchBody(type, idempotencyKey: idempotencyKey)) { result in
            completion(result.flatMap { answer in
                guard let results = answer["results"]?.array else {
                    return .failure(HubSpotError(kind: .malformedResponse, httpStatus: 200, message: "search answer has no results"))
                }
                return .success(results.first.flatMap(Self.objectID))
            })
        }
    }

    /// HubSpot sends ids as strings; a number is accepted too.
    private static func objectID(_ object: JSONValue) -> String? {
        object["id"]?.string ?? object["id"]?.numberText
    }
}
