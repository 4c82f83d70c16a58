import Runtime

/// Reads contacts for routing and logging: who a phone number belongs to, and who owns a
/// contact (spec §9.4, §9.5). Writes are the outbox's; this never changes the CRM.
public final class HubSpotContacts {
    private let api: HubSpotAPI

    public init(api: HubSpotAPI) {
        self.api = api
    }

    /// The contact whose `phone` or `mobilephone` holds a common written form of `digits`
    /// (a normalised number), nil when none does.
    public func find(phoneDigits digits: String, completion: @escaping (Result<ContactMatch?, HubSpotError>) -> Void) {
        guard let searches = ContactSearch.searches(forDigits: digits) else {
            completion(.failure(HubSpotError(kind: .rejected, httpStatus: 0, message: "'\(digits.prefix(40))' is not a normalised phone number")))
            return
        }
        run(searches[...], completion: completion)
    }

    /// Sends the searches in order until one finds a contact.
    private func run(_ searches: ArraySlice<ContactSearch>, completion: @escaping (Result<ContactMatch?, HubSpotError>) -> Void) {
        guard let search = searches.first else {
            completion(.success(nil))
            return
        }
        api.send("POST", ContactSearch.path, body: search.body) { result in
            switch result.flatMap({ answer in Result { () throws(HubSpotError) in try ContactSearch.match(in: answer) } }) {
            case .success(nil):
                self.run(searches.dropFirst(), completion: completion)
            case let outcome:
                completion(outcome)
            }
        }
    }

    /// One contact by id with its owner (`GET /crm/v3/objects/contacts/{id}`), for a contact
    /// known from elsewhere, such as the widget's record.
    public func contact(id: String, completion: @escaping (Result<ContactMatch, HubSpotError>) -> Void) {
        guard ContactSearch.isObjectID(id) else {
            completion(.failure(HubSpotError(kind: .rejected, httpStatus: 0, message: "'\(id.prefix(40))' is not a HubSpot object id")))
            return
        }
        let query = ContactSearch.properties.joined(separator: ",")
        api.send("GET", "/crm/v3/objects/contacts/\(id)?properties=\(query)") { result in
            completion(result.flatMap { answer in Result { () throws(HubSpotError) in try ContactSearch.contact(from: answer) } })
        }
    }
}
