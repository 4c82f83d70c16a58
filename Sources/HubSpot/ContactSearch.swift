import Runtime

/// One contact search by phone (`POST /crm/v3/objects/contacts/search`, spec §9.4): the
/// request body for a normalised number and the reading of HubSpot's answer.
///
/// Filter groups are ORed and the filters inside a group ANDed, so each (property, written
/// form) pair is a group of one `EQ` filter, and HubSpot's group limit bounds how many pairs
/// one request can ask about. The pairs go most likely first (form by form, each on `phone`
/// then `mobilephone`), split into as many searches as the limit needs; they
/// are sent one after the other and the first that finds someone ends the lookup, so a
/// number stored in a common way costs one request against search's low rate limit.
public struct ContactSearch: Sendable {
    public static let path = "/crm/v3/objects/contacts/search"
    /// The standard phone properties; both hold the stored string as typed (spec §9.4).
    public static let phoneProperties = ["phone", "mobilephone"]
    /// Listing properties replaces HubSpot's defaults, so everything read is named here.
    public static let properties = ["firstname", "lastname", "phone", "mobilephone", "hubspot_owner_id"]
    /// Limits since 2024-08-26 (spec §9.4): filter groups per request, filters per group, filters in all.
    public static let maxFilterGroups = 5
    public static let maxFiltersPerGroup = 10
    public static let maxFilters = 25
    /// Results read; a number shared by more contacts than this is a data problem, and the
    /// pick among these is still deterministic.
    public static let resultLimit = 20

    public struct Condition: Equatable, Sendable {
        public var property: String
        public var value: String
    }

    /// What this search asks for, one filter group each.
    public let conditions: [Condition]

    /// The searches for a normalised number, in the order to send them; nil unless `digits`
    /// is digits only.
    public static func searches(forDigits digits: String) -> [ContactSearch]? {
        guard let forms = PhoneWrittenForms.forms(ofDigits: digits) else { return nil }
        let pairs = forms.flatMap { form in phoneProperties.map { Condition(property: $0, value: form) } }
        return stride(from: 0, to: pairs.count, by: maxFilterGroups).map {
            ContactSearch(conditions: Array(pairs[$0..<min($0 + maxFilterGroups, pairs.count)]))
        }
    }

    private init(conditions: [Condition]) {
        self.conditions = conditions
    }

    public var body: JSONValue {
        .object([
            JSONMember("filterGroups", .array(conditions.map { condition in
                ["filters": [["propertyName": .string(condition.property), "operator": "EQ",
                              "value": .string(condition.value)]]]
            })),
            JSONMember("properties", .array(Self.properties.map { .string($0) })),
            JSONMember("limit", .integer(Int64(Self.resultLimit))),
        ])
    }

    /// The contact HubSpot's answer names, or nil when it names none. Several matches pick
    /// the lowest id: HubSpot hands ids out in increasing order, so that is the oldest
    /// record, whatever order the results come in.
    public static func match(in answer: JSONValue) throws(HubSpotError) -> ContactMatch? {
        guard let results = answer["results"]?.array else {
            throw malformed("search answer has no 'results' list")
        }
        var best: ContactMatch?
        for (index, result) in results.enumerated() {
            let contact = try contact(from: result, what: "search result \(index)")
            if best.map({ isLower(contact.id, than: $0.id) }) ?? true { best = contact }
        }
        return best
    }

    /// Reads one contact object (`{"id", "properties": {…}}`), as search results and
    /// `GET /crm/v3/objects/contacts/{id}` give it.
    public static func contact(from object: JSONValue, what: String = "contact") throws(HubSpotError) -> ContactMatch {
        guard let id = object["id"]?.string, isObjectID(id) else {
            throw malformed("\(what) has no numeric 'id'")
        }
        guard let properties = object["properties"], properties.members != nil else {
            throw malformed("\(what) (\(id)) has no 'properties' object")
        }
        func text(_ name: String) throws(HubSpotError) -> String? {
            switch properties[name] {
            case nil, .null?: return nil
            case let .string(value)?:
                let trimmed = value.trimmed()
                return trimmed.isEmpty ? nil : trimmed
            default: throw malformed("\(what) (\(id)) has a non-text '\(name)'")
            }
        }
        let name = [try text("firstname"), try text("lastname")].compactMap { $0 }.joined(separator: " ")
        let owner = try text("hubspot_owner_id")
        if let owner, !isObjectID(owner) { throw malformed("\(what) (\(id)) has a non-numeric 'hubspot_owner_id'") }
        return ContactMatch(id: id, name: name.isEmpty ? nil : name, ownerID: owner)
    }

    /// HubSpot object ids are decimal digits; checking keeps anything else out of URL paths.
    public static func isObjectID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Numeric order of two digit strings of any length.
    private static func isLower(_ a: String, than b: String) -> Bool {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        return x.count != y.count ? x.count < y.count : x < y
    }

    private static func malformed(_ message: String) -> HubSpotError {
        HubSpotError(kind: .malformedResponse, httpStatus: 200, message: message)
    }
}
