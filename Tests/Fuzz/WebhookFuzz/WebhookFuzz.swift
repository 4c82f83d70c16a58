import FuzzReplay
import Runtime
import WhatsApp


/// One libFuzzer input through every reader of untrusted Graph/webhook bytes: the JSON parser,
/// the webhook decoder, the signature check and the incoming Graph request validator, and what
/// a webhook carries through the log writer, whose every event must stay one clean line. Any
/// outcome is fine except a crash, a hang, a leak or a log line a webhook could break.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        // What the writer produces must parse back to the same value.
        let written = JSONWriter.encode(value)
        guard (try? JSONParser.parse(written)) == value else { fatalError("JSON writer output does not round-trip") }
    }
    if let delivery = try? WebhookDelivery.decode(bytes) {
        for event in delivery.events { logged(event.dedupKey ?? event.kind, "\(event)") }
        for rejected in delivery.rejected { logged(rejected.description, rejected.path) }
    }
    logged(String(decoding: bytes.prefix(256), as: UTF8.self), String(decoding: bytes.suffix(256), as: UTF8.self))
    _ = WebhookSignature.verify(body: bytes, header: String(decoding: bytes.prefix(71), as: UTF8.self), appSecret: [1, 2, 3])
    _ = try? GraphCallActionRequest.parse(method: "POST", path: "/v24.0/301234567890123/calls", authorization: "Bearer fuzz", body: bytes)
    _ = try? GraphCallActionRequest.parse(method: "POST", path: "/v24.0/301234567890123/messages", authorization: "Bearer fuzz", body: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? GraphCallActionRequest.parse(method: "GET", path: text, authorization: "Bearer fuzz", body: [])
    _ = GraphError(httpStatus: 400, body: bytes)
    return 0
}

/// Logs `message` and `value` as the daemon would and stops on a line that is not one clean line:
/// no C0 or C1 control, DEL, or Unicode line or paragraph separator may reach the journal.
private func logged(_ message: String, _ value: String) {
    var lines: [String] = []
    Logger.sink = { lines.append($0) }
    Logger("fuzz").warning(message, ["value": value])
    Logger.sink = nil
    for line in lines where line.unicodeScalars.contains(where: { scalar in
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }) {
        fatalError("a log line carries a control or separator: \(line.debugDescription)")
    }
}

#if !FUZZING
@main
struct WebhookFuzzReplay {
    static func main() {
        FuzzReplay.run(CommandLine.arguments.dropFirst(), through: fuzz)
    }
}
#endif
