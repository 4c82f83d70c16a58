import Runtime
import Testing
import WhatsApp
@testable import Callbox

@Suite struct WhatsAppMessagingTests {
    private func error(_ response: HTTPResponse) throws -> JSONValue {
        try #require(try JSONParser.parse(response.body)["error"])
    }

    @Test func aClosedWindowIs422WithMetasExplanation() throws {
        let body = #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"Atrace"}}"#
        let response = WhatsAppMessaging.response(for: .graph(GraphError(httpStatus: 400, body: Array(body.utf8))))
        #expect(response.status == 422)
        let error = try error(response)
        #expect(error["code"]?.string == "window_closed")
        #expect(error["message"]?.string?.contains("(#131047) Re-engagement message (Message failed to send because more than 24 hours") == true)
        #expect(error["meta"]?["code"]?.int64 == 131047)
        #expect(error["meta"]?["fbtrace_id"]?.string == "Atrace")
    }

    @Test func otherRefusalsAre502AndSilenceIs504Or502() throws {
        let refused = WhatsAppMessaging.response(for: .graph(GraphError(httpStatus: 401, code: 190, message: "Invalid OAuth access token.", kind: .auth)))
        #expect(refused.status == 502)
        #expect(try error(refused)["code"]?.string == "graph_refused")
        #expect(try error(refused)["message"]?.string == "WhatsApp refused the message: Invalid OAuth access token.")

        let timedOut = WhatsAppMessaging.response(for: .transport(.timedOut))
        #expect(timedOut.status == 504)
        #expect(try error(timedOut)["message"]?.string?.contains("may still arrive") == true)

        let unreachable = WhatsAppMessaging.response(for: .transport(.couldNotConnect("connection refused")))
        #expect(unreachable.status == 502)
        #expect(try error(unreachable)["code"]?.string == "graph_unreachable")
    }
}
