import FuzzReplay
import Runtime
import WhatsApp


/// One libFuzzer input through every reader of untrusted Graph/webhook bytes: the JSON parser,
/// the webhook decoder, the signature check and the incoming Graph request validator. Any
/// outcome is fine except a crash, a hang or a leak.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        // What the writer produces must parse back to the same value.
        let written = JSONWriter.encode(value)
        guard (try? JSONParser.parse(written)) == value else { fatalError("JSON writer output does not round-trip") }
    }
    if let delivery = try? WebhookDelivery.decode(bytes) {
        for event in delivery.events { _ = event.dedupKey }
    }
    _ = WebhookSignature.verify(body: bytes, header: String(decoding: bytes.prefix(71), as: UTF8.self), appSecret: [1, 2, 3])
    _ = try? GraphCallActionRequest.parse(method: "POST", path: "/v24.0/301234567890123/calls", authorization: "Bearer fuzz", body: bytes)
    _ = try? GraphCallActionRequest.parse(method: "POST", path: "/v24.0/301234567890123/messages", authorization: "Bearer fuzz", body: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? GraphCallActionRequest.parse(method: "GET", path: text, authorization: "Bearer fuzz", body: [])
    _ = GraphError(httpStatus: 400, body: bytes)
    return 0
}

#if !FUZZING
@main
struct WebhookFuzzReplay {
    static func main() {
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
