import HubSpot
import Runtime
import Testing

@Suite struct ContactSearchTests {
    private func answer(_ json: String, status: Int = 200) -> Result<HTTPClientResponse, HTTPClientError> {
        .success(HTTPClientResponse(status: status, body: Array(json.utf8)))
    }

    private func find(_ digits: String, _ reply: Result<HTTPClientResponse, HTTPClientError>)
        -> (Result<ContactMatch?, HubSpotError>?, ScriptedTransport) {
        let transport = ScriptedTransport([reply])
        let contacts = HubSpotContacts(api: HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1"))
        var result: Result<ContactMatch?, HubSpotError>?
        contacts.find(phoneDigits: digits) { result = $0 }
        return (result, transport)
    }

    @Test func writtenFormsOfANormalisedNumber() {
        #expect(PhoneWrittenForms.forms(ofDigits: "34600111222") == ["+34600111222", "34600111222", "0034600111222"])
        #expect(PhoneWrittenForms.forms(ofDigits: "") == nil)
        #expect(PhoneWrittenForms.forms(ofDigits: "+34600111222") == nil)
        #expect(PhoneWrittenForms.forms(ofDigits: "3460011122٣") == nil)
    }

    @Test func searchesAreOneEQFilterPerGroupWithinHubSpotsLimits() throws {
        let searches = try #require(ContactSearch.searches(forDigits: "34600111222"))
        var asked: [[String]] = []
        for search in searches {
            let body = search.body
            let groups = try #require(body["filterGroups"]?.array)
            #expect(groups.count <= ContactSearch.maxFilterGroups)
            let filters = groups.map { $0["filters"]?.array ?? [] }
            #expect(filters.allSatisfy { $0.count == 1 && $0.count <= ContactSearch.maxFiltersPerGroup })
            #expect(filters.reduce(0) { $0 + $1.count } <= ContactSearch.maxFilters)
            asked.append(filters.map { "\($0[0]["propertyName"]?.string ?? "?") \($0[0]["operator"]?.string ?? "?") \($0[0]["value"]?.string ?? "?")" })
            #expect(body["properties"]?.array?.compactMap(\.string) == ["firstname", "lastname", "phone", "mobilephone", "hubspot_owner_id"])
            #expect(body["limit"]?.int64 == Int64(ContactSearch.resultLimit))
        }
        #expect(asked == [["phone EQ +34600111222", "mobilephone EQ +34600111222", "phone EQ 34600111222",
                           "mobilephone EQ 34600111222", "phone EQ 0034600111222"],
                          ["mobilephone EQ 0034600111222"]])
        #expect(ContactSearch.searches(forDigits: "34 600") == nil)
    }

    @Test func theNextSearchIsSentOnlyWhenTheFirstFindsNobody() throws {
        let (found, oneRequest) = find("34600111222", answer(#"{"results":[{"id":"8","properties":{}}]}"#))
        #expect(try found?.get()?.id == "8")
        #expect(oneRequest.sent.count == 1)
        let transport = ScriptedTransport([answer(#"{"results":[]}"#), answer(#"{"results":[{"id":"9","properties":{}}]}"#)])
        let contacts = HubSpotContacts(api: HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1"))
        var result: Result<ContactMatch?, HubSpotError>?
        contacts.find(phoneDigits: "34600111222") { result = $0 }
        #expect(try result?.get()?.id == "9")
        #expect(transport.sent.count == 2)
        let second = try JSONParser.parse(transport.sent[1].body)
        #expect(second["filterGroups"]?[0]?["filters"]?[0]?["value"]?.string == "0034600111222")
    }

    @Test func postsTheSearchAndReadsTheContact() throws {
        let (result, transport) = find("34600111222", answer("""
            {"total":1,"results":[{"id":"1001","properties":{"firstname":"Ana","lastname":"Ruiz",
             "phone":"+34600111222","mobilephone":null,"hubspot_owner_id":"77","hs_object_id":"1001"}}]}
            """))
        #expect(try result?.get() == ContactMatch(id: "1001", name: "Ana Ruiz", ownerID: "77"))
        let request = try #require(transport.sent.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://api.example/crm/v3/objects/contacts/search")
    }

    @Test func noResultsInEverySearchIsNoMatch() throws {
        let empty = answer(#"{"total":0,"results":[]}"#)
        let transport = ScriptedTransport([empty, empty])
        let contacts = HubSpotContacts(api: HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1"))
        var result: Result<ContactMatch?, HubSpotError>?
        contacts.find(phoneDigits: "34600111222") { result = $0 }
        #expect(try result?.get() == .some(nil))
        #expect(transport.sent.count == 2)
    }

    @Test func severalMatchesPickTheLowestIdWhateverTheOrder() throws {
        let results = """
            {"results":[{"id":"20000","properties":{"hubspot_owner_id":"2"}},{"id":"9999","properties":{"firstname":"Old"}},
                        {"id":"10001","properties":{}}]}
            """
        let (result, _) = find("34600111222", answer(results))
        #expect(try result?.get() == ContactMatch(id: "9999", name: "Old", ownerID: nil))
    }

    @Test func emptyPropertiesAreAbsent() throws {
        let (result, _) = find("34600111222", answer(#"{"results":[{"id":"5","properties":{"firstname":"  ","lastname":"","hubspot_owner_id":""}}]}"#))
        #expect(try result?.get() == ContactMatch(id: "5", name: nil, ownerID: nil))
    }

    @Test(arguments: [
        (#"{"total":0}"#, "no 'results' list"),
        (#"{"results":[{"properties":{}}]}"#, "search result 0 has no numeric 'id'"),
        (#"{"results":[{"id":"../owners","properties":{}}]}"#, "search result 0 has no numeric 'id'"),
        (#"{"results":[{"id":"7"}]}"#, "search result 0 (7) has no 'properties' object"),
        (#"{"results":[{"id":"7","properties":{"firstname":3}}]}"#, "non-text 'firstname'"),
        (#"{"results":[{"id":"7","properties":{"hubspot_owner_id":"ana"}}]}"#, "non-numeric 'hubspot_owner_id'"),
        (#"[1,2]"#, "no 'results' list"),
    ])
    func malformedAnswersAreClearErrors(json: String, expected: String) {
        let (result, _) = find("34600111222", answer(json))
        guard case let .failure(error)? = result else { Issue.record("expected failure for \(json)"); return }
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test func httpErrorsPassThrough() {
        let (result, _) = find("34600111222", answer(#"{"status":"error","message":"Slow down","category":"RATE_LIMITS"}"#, status: 429))
        guard case let .failure(error)? = result else { Issue.record("expected failure"); return }
        #expect(error.kind == .rateLimited)
    }

    @Test func aNumberThatIsNotDigitsIsRefusedWithoutARequest() {
        let (result, transport) = find("+34 600", answer("{}"))
        guard case let .failure(error)? = result else { Issue.record("expected failure"); return }
        #expect(error.kind == .rejected)
        #expect(transport.sent.isEmpty)
    }

    @Test func contactByIdAsksForTheOwner() throws {
        let transport = ScriptedTransport([answer(#"{"id":"1001","properties":{"hubspot_owner_id":"77","firstname":"Ana"}}"#)])
        let contacts = HubSpotContacts(api: HubSpotAPI(transport: transport, baseURL: "https://api.example", accessToken: "pat-1"))
        var result: Result<ContactMatch, HubSpotError>?
        contacts.contact(id: "1001") { result = $0 }
        #expect(try result?.get() == ContactMatch(id: "1001", name: "Ana", ownerID: "77"))
        let request = try #require(transport.sent.first)
        #expect(request.method == "GET")
        #expect(request.url == "https://api.example/crm/v3/objects/contacts/1001?properties=firstname,lastname,phone,mobilephone,hubspot_owner_id")
        var refused: Result<ContactMatch, HubSpotError>?
        contacts.contact(id: "1/../2") { refused = $0 }
        guard case .failure? = refused else { Issue.record("expected refusal"); return }
        #expect(transport.sent.count == 1)
    }
}
