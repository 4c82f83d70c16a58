import Runtime
import WhatsApp

#if !FUZZING
import Glibc
#endif

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
/// Without libFuzzer the target replays files: `WebhookFuzz PATH…`, where a directory stands for
/// every file inside it. Tests and CI use this to keep the seed corpus and crash regressions green.
@main
struct WebhookFuzzReplay {
    static func main() {
        var replayed = 0
        for path in CommandLine.arguments.dropFirst() {
            for file in files(at: path) {
                let bytes = read(file)
                // The pad byte gives an empty file a valid pointer; the size leaves it out.
                let padded = bytes + [0]
                padded.withUnsafeBufferPointer { buffer in _ = fuzz(buffer.baseAddress!, bytes.count) }
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs")
    }

    static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(path + "/" + name) }
        }
        return names.sorted().flatMap { files(at: $0) }
    }

    static func read(_ path: String) -> [UInt8] {
        guard let bytes = FileContents.read(path) else {
            print("cannot read \(path)")
            exit(1)
        }
        return bytes
    }
}
#endif
