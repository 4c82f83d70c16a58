import Glibc
@testable import Runtime

/// Turns the loop until `done` holds or `milliseconds` pass; tests assert on the result.
@discardableResult
func turn(_ loop: EventLoop, within milliseconds: Int64 = 5_000, until done: () -> Bool) -> Bool {
    let deadline = MonotonicClock.milliseconds() + milliseconds
    while !done() {
        if MonotonicClock.milliseconds() > deadline { return false }
        loop.runOnce(maximumWait: 20)
    }
    return true
}

func fixturePath(_ relative: String) -> String {
    let here = #filePath
    let testsFolder = here.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
    return testsFolder + "/Fixtures/" + relative
}

func readFile(_ path: String) -> String {
    String(decoding: FileContents.read(path) ?? [], as: UTF8.self)
}

/// A raw TCP client, for what libcurl will not do: stall mid-request.
final class RawClient {
    let descriptor: Int32

    init?(port: UInt16) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 { close(descriptor); return nil }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// What has arrived so far, without waiting.
    func receiveAvailable() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return received }
            received += buffer[0..<count]
        }
    }

    /// Non-blocking check whether the server closed the connection.
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count == 0
    }
}
