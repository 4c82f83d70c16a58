import Testing
@testable import Config

@Suite struct AddressRangeTests {
    @Test func parsesNetworksAndSingleAddresses() throws {
        let meta = try #require(AddressRange.parse("157.240.0.0/16"))
        #expect(meta.contains(address: "157.240.1.35") && !meta.contains(address: "157.241.0.1"))
        // Host bits are cleared, so a network written from one of its addresses still matches.
        #expect(AddressRange.parse("10.1.2.3/8")?.description == "10.0.0.0/8")
        let one = try #require(AddressRange.parse("203.0.113.7"))
        #expect(one.prefixLength == 32 && one.contains(address: "203.0.113.7") && !one.contains(address: "203.0.113.8"))
        let v6 = try #require(AddressRange.parse("2a03:2880::/29"))
        #expect(v6.contains(address: "2a03:2880:f12c:83:face:b00c:0:25de") && v6.contains(address: "2a03:2887::1"))
        #expect(!v6.contains(address: "2a03:2888::1") && !v6.contains(address: "157.240.1.1"))
        #expect(AddressRange.parse("0.0.0.0/0")?.contains(address: "198.51.100.1") == true)
    }

    @Test func anIPv4RangeHoldsTheMappedFormABoxOnDualStackSees() throws {
        let range = try #require(AddressRange.parse("157.240.0.0/16"))
        #expect(range.contains(address: "::ffff:157.240.9.9"))
        #expect(!range.contains(address: "::ffff:8.8.8.8"))
    }

    @Test func refusesWhatIsNotAnAddress() {
        for text in ["", "157.240.0.0/33", "::/129", "157.240.0.0/", "157.240.0.0/16/2", "meta.com", "1.2.3", "10.0.0.0/ 8", "10.0.0.0/-1"] {
            #expect(AddressRange.parse(text) == nil, "\(text)")
        }
    }

    @Test func listsTakeMetaAndNone() throws {
        let parsed = try AddressRanges.parse("meta, 127.0.0.9 10.0.0.0/8").get()
        #expect(parsed.count == AddressRanges.metaWebhookSources.count + 2)
        #expect(parsed.contains { $0.contains(address: "31.13.70.14") })
        #expect(try AddressRanges.parse("none").get() == [])
        #expect(throws: ValueProblem.self) { try AddressRanges.parse("meta, 10.0.0.300").get() }
    }

    @Test func configDefaultsAndErrors() throws {
        let loaded = try TempFolder().load(sandboxConfig).get()
        #expect(loaded.http.webhookSources == AddressRanges.metaWebhookSources)
        #expect(loaded.http.trustedProxies == [])
        let custom = sandboxConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\ntrusted_proxies = 10.0.0.1, fd00::/8")
        #expect(try TempFolder().load(custom).get().http.trustedProxies.map(\.description) == ["10.0.0.1/32", "fd00::/8"])
        let bad = sandboxConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\nwebhook_sources = facebook")
        #expect(TempFolder().problems(bad) == [
            "callbox.conf:7: bad value 'facebook' for 'webhook_sources' in [http]: expected addresses or networks such as 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32, the word meta, or none",
        ])
    }
}
