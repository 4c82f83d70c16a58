import Glibc
import Testing
@testable import Media

@Suite struct TransportTests {
    @Test(arguments: [
        (UInt8(0), UInt8?(nil), MediaPacketKind.stun), (3, nil, .stun), (4, nil, .unknown), (16, nil, .unknown),
        (20, nil, .dtls), (22, nil, .dtls), (63, nil, .dtls), (64, nil, .unknown), (127, nil, .unknown),
        (128, 111, .rtp), (0x80, 0xEF, .rtp), (0x80, 200, .rtcp), (0x81, 201, .rtcp), (0x80, 192, .rtcp), (0x80, 223, .rtcp),
        (0x80, 224, .rtp), (191, 0, .rtp), (128, nil, .unknown), (192, 200, .unknown), (255, 0, .unknown),
    ])
    func demultiplexing(first: UInt8, second: UInt8?, expected: MediaPacketKind) {
        #expect(MediaPacketKind.classify(firstByte: first, secondByte: second) == expected)
        #expect(MediaPacketKind.classify([first] + (second.map { [$0] } ?? [])) == expected)
    }

    @Test func emptyDatagramIsUnknown() {
        #expect(MediaPacketKind.classify([UInt8]()) == .unknown)
        #expect(MediaPacketKind.classify(StunFixture.bytes("rfc5769-sample-request.bin")) == .stun)
    }

    @Test(arguments: ["1.2.3.4:5", "[::1]:5", "[2001:db8::1]:65535", "0.0.0.0:0", "[::ffff:192.0.2.1]:80"])
    func socketAddressTextRoundTrips(_ text: String) throws {
        let address = try #require(SocketAddress(text: text))
        #expect(address.description == text)
    }

    @Test(arguments: ["", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "::1:5", "[::1]", "[::1]5", "[1.2.3.4]:5", "host:5", "1.2.3.4:+5", "[fe80::1%eth0]:5", "1.2.3:5"])
    func socketAddressRejectsBadText(_ text: String) {
        #expect(SocketAddress(text: text) == nil)
    }

    @Test func sockaddrRoundTrips() throws {
        for text in ["192.0.2.1:3478", "[2001:db8::42]:40012"] {
            let address = try #require(SocketAddress(text: text))
            let back = address.withSockAddr { pointer, length -> SocketAddress? in
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(length))) }
                return SocketAddress(storage: storage)
            }
            #expect(back == address)
        }
        #expect(SocketAddress(storage: sockaddr_storage()) == nil)
    }

    @Test func addressClasses() throws {
        #expect(try #require(SocketAddress(text: "127.0.0.1:1")).isLoopback)
        #expect(try #require(SocketAddress(text: "[::1]:1")).isLoopback)
        #expect(try #require(SocketAddress(text: "[fe80::1]:1")).isLinkLocal)
        #expect(try #require(SocketAddress(text: "169.254.3.4:1")).isLinkLocal)
        #expect(!(try #require(SocketAddress(text: "[2001:db8::1]:1")).isLinkLocal))
        #expect(try #require(SocketAddress(text: "[2001:db8::1]:1")).addressBytes.count == 16)
    }
}
