import Testing
import Runtime
@testable import WhatsApp

/// Meta's published Graph bodies (conformance/meta-docs) and a real error (conformance/captures):
/// every response decodes with the reader the box uses, and every request Meta documents is one
/// the built-in sandbox Graph (our reading of Meta) accepts.
@Suite struct GraphConformanceTests {
    /// The bytes of a sample; the `… variants` and `… responses` files key several examples by name.
    func examples(_ name: String) throws -> [(name: String, body: [UInt8])] {
        let document = try JSONParser.parse(Fixture.bytes("conformance/\(name)"))
        if let members = document.members, members.allSatisfy({ $0.value["value"] != nil }) {
            return members.map { ($0.name, JSONWriter.encode($0.value["value"] ?? .null)) }
        }
        return [(name, JSONWriter.encode(document))]
    }

    @Test(arguments: ["meta-docs/graph-calls-success-response-bare-uic-guide.json", "meta-docs/graph-calls-success-response-uic-guide.json"])
    func callActionSuccessesDecode(name: String) throws {
        for example in try examples(name) { try GraphResponse.callAction(httpStatus: 200, body: example.body) }
    }

    @Test func connectAndTerminateResponsesDecode() throws {
        let all = try examples("meta-docs/graph-calls-connect-and-terminate-responses-graph-reference.json")
        #expect(all.count == 2)
        #expect(try GraphResponse.connectedCallID(httpStatus: 200, body: try #require(all.first { $0.name.hasPrefix("Connect") }).body)
            == "wacid.ABGGFjFVU2AfAgo6V")
        try GraphResponse.callAction(httpStatus: 200, body: try #require(all.first { $0.name.hasPrefix("Terminate") }).body)
        let guide = try examples("meta-docs/graph-calls-connect-response-bic-guide-2026.json")[0]
        #expect(try GraphResponse.connectedCallID(httpStatus: 200, body: guide.body).hasPrefix("wacid."))
    }

    /// Sent to a BSUID, the answer names `user_id` and no `wa_id` (spec §11.4).
    @Test func aSendToABSUIDAnswersWithItsWamid() throws {
        let response = try examples("meta-docs/graph-messages-send-response-bsuid-only.json")[0]
        #expect(try GraphResponse.sentMessageID(httpStatus: 200, body: response.body).hasPrefix("wamid."))
    }

    /// Both spellings Meta documents: PERM's `temporary` with ISO-8601 periods, GREF's
    /// `granted`/`pending`/`denied` with `"24h"` and `limits: ""` (spec §11.6).
    @Test(arguments: ["meta-docs/graph-call-permissions-get-response-guide-2026.json",
                      "meta-docs/graph-call-permissions-get-response-graph-reference-variants.json"])
    func callPermissionStatesDecode(name: String) throws {
        let all = try examples(name)
        #expect(!all.isEmpty)
        for example in all {
            let state = try GraphResponse.callPermissions(httpStatus: 200, body: example.body)
            #expect(state.action("start_call") != nil || state.action("send_call_permission_request") != nil, "\(example.name)")
        }
    }

    /// The Graph reference's own vocabulary, read as the guide's (spec §11.6).
    @Test func theGraphReferencesStatusesReadAsTheGuides() throws {
        let all = try examples("meta-docs/graph-call-permissions-get-response-graph-reference-variants.json")
        let statuses = try all.map { try GraphResponse.callPermissions(httpStatus: 200, body: $0.body).status }
        #expect(statuses.count == 3)
        #expect(statuses.filter { $0 == .temporary }.count == 1, "granted with an expiry is temporary")
        #expect(statuses.filter { $0 == .noPermission }.count == 2, "pending and denied are no permission")
    }

    /// A real 400 Meta sent to an `accept` whose answer had three fingerprints.
    @Test func aRealGraphErrorKeepsMetasWords() throws {
        let error = #expect(throws: GraphError.self) {
            try GraphResponse.callAction(httpStatus: 400,
                                         body: Fixture.bytes("conformance/captures/graph-error-100-fingerprint-algo-not-sha256-coderapp-79767013.json"))
        }
        #expect(error?.code == 100)
        #expect(error?.details == "Fingerprint algo is not SHA256")
    }

    /// What Meta's own samples send to `POST /calls`, placeholders filled in, must pass the
    /// sandbox's checks, or the sandbox refuses what Meta takes. Two are refused on purpose: the
    /// legacy `connection.webrtc` (the spec tells the business to use `session`), and a "New
    /// call" sample whose offer is labelled `sdp_type: answer` (the reference's own connect says offer).
    @Test(arguments: [
        ("meta-docs/graph-calls-accept-request-reference-curl.json", nil),
        ("meta-docs/graph-calls-accept-request-uic-guide.json", nil),
        ("meta-docs/graph-calls-pre-accept-request-uic-guide.json", nil),
        ("meta-docs/graph-calls-reject-request-uic-guide.json", nil),
        ("meta-docs/graph-calls-terminate-request-reference-curl.json", nil),
        ("meta-docs/graph-calls-connect-request-graph-reference-LF-sdp.json", nil),
        ("meta-docs/graph-calls-new-call-request-reference-curl.json", GraphRequestRejection.Rule.wrongSDPType),
        ("meta-docs/graph-calls-new-call-legacy-connection-request-curl.json", GraphRequestRejection.Rule.legacyConnectionSDP),
    ] as [(String, GraphRequestRejection.Rule?)])
    func metasRequestSamplesAreTakenByTheSandbox(name: String, refusal: GraphRequestRejection.Rule?) throws {
        let sample = try ConformanceSample(name)
        let body = JSONWriter.encode(sample.deliveries[0])
        do {
            let request = try GraphCallActionRequest.parse(method: "POST", path: "/v24.0/106540352242922/calls",
                                                           authorization: "Bearer token", body: body)
            #expect(refusal == nil, "accepted: \(request.operation)")
        } catch {
            #expect(error.rule == refusal, "\(error)")
        }
    }

    /// Meta's free-form permission request sample (both `to` and `recipient`) is one the sandbox takes.
    @Test func metasPermissionRequestSampleIsTaken() throws {
        let sample = try ConformanceSample("meta-docs/graph-messages-send-call-permission-request-freeform-2026.json")
        let request = try GraphCallActionRequest.parse(method: "POST", path: "/v24.0/106540352242922/messages",
                                                       authorization: "Bearer token", body: JSONWriter.encode(sample.deliveries[0]))
        #expect("\(request.operation)".contains("callPermissionRequest"))
    }
}
