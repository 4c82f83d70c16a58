import Runtime

/// Reads Graph API responses. Each reader takes the HTTP status and body: a non-2xx status
/// throws the envelope as `GraphError`; a 2xx body missing what the request promises throws
/// `GraphError` of kind `malformedResponse`.
public enum GraphResponse {
    /// pre_accept, accept, reject, terminate: `{"success": true}`, with or without `messaging_product`.
    public static func callAction(httpStatus: Int, body: [UInt8]) throws(GraphError) {
        let document = try success(httpStatus, body)
        guard document["success"]?.bool == true else {
            throw malformed(httpStatus, "expected \"success\": true")
        }
    }

    /// connect: the new call's `wacid` at `calls[0].id`, stored before its webhook can arrive.
    public static func connectedCallID(httpStatus: Int, body: [UInt8]) throws(GraphError) -> String {
        let document = try success(httpStatus, body)
        guard let id = document["calls"]?[0]?["id"]?.string, !id.isEmpty else {
            throw malformed(httpStatus, "expected calls[0].id")
        }
        return id
    }

    /// A sent message (text or permission request): its `wamid` at `messages[0].id`.
    public static func sentMessageID(httpStatus: Int, body: [UInt8]) throws(GraphError) -> String {
        let document = try success(httpStatus, body)
        guard let id = document["messages"]?[0]?["id"]?.string, !id.isEmpty else {
            throw malformed(httpStatus, "expected messages[0].id")
        }
        return id
    }

    public static func callPermissions(httpStatus: Int, body: [UInt8]) throws(GraphError) -> CallPermissionState {
        let document = try success(httpStatus, body)
        do {
            return try CallPermissionState.decode(FieldReader(document))
        } catch {
            throw malformed(httpStatus, error.description)
        }
    }

    private static func success(_ httpStatus: Int, _ body: [UInt8]) throws(GraphError) -> JSONValue {
        guard (200..<300).contains(httpStatus) else { throw GraphError(httpStatus: httpStatus, body: body) }
        do {
            return try JSONParser.parse(body)
        } catch {
            throw malformed(httpStatus, "response is not JSON: \(error)")
        }
    }

    private static func malformed(_ httpStatus: Int, _ message: String) -> GraphError {
        GraphError(httpStatus: httpStatus, message: message, kind: .malformedResponse)
    }
}
