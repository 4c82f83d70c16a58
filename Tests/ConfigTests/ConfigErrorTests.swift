import Glibc
import Testing
@testable import Config

/// Every kind of problem in callbox.conf, with the exact text an installer sees.
@Suite struct ConfigErrorTests {
    private func problems(_ extra: String, base: String = sandboxConfig) -> [String] {
        TempFolder().problems(base + extra)
    }

    @Test func cleanBasesHaveNoProblems() {
        let folder = TempFolder()
        folder.write("secrets.conf", validSecrets, mode: 0o600)
        #expect(folder.problems(productionConfig) == [])
        #expect(TempFolder().problems(sandboxConfig) == [])
    }

    @Test func unknownSectionWithSuggestion() {
        #expect(problems("[rooting]\nhandset = never\n") == ["callbox.conf:10: unknown section [rooting]; did you mean [routing]?"])
        #expect(problems("[colours]\n") == ["callbox.conf:10: unknown section [colours]"])
    }

    @Test func unknownKeyWithSuggestion() {
        #expect(problems("[routing]\nring_timout = 30s\n") == [
            "callbox.conf:11: unknown key 'ring_timout' in [routing]; did you mean 'ring_timeout'?",
        ])
        #expect(problems("[agent bob]\nemail = bob@x.example\npassword_hash = scrypt$a$b\nfavourite = tea\n") == [
            "callbox.conf:13: unknown key 'favourite' in [agent bob]",
        ])
    }

    @Test func keyOutsideAnySection() {
        #expect(problems("", base: "name = x\n" + sandboxConfig) == ["callbox.conf:1: key 'name' is not inside a [section]"])
    }

    @Test func duplicateKeyAndSection() {
        #expect(problems("[routing]\nhandset = never\nhandset = always\n[box]\nname = again\n") == [
            "callbox.conf:12: duplicate key 'handset' in [routing] (first set on line 11)",
            "callbox.conf:13: duplicate section [box] (first on line 1)",
        ])
    }

    @Test func badDuration() {
        #expect(problems("[routing]\nring_timeout = 45\nowner_first = 10 s\n") == [
            "callbox.conf:11: bad value '45' for 'ring_timeout' in [routing]: expected a whole number and a unit (ms, s, m, h or d) from 5s to 2m",
            "callbox.conf:12: bad value '10 s' for 'owner_first' in [routing]: expected a whole number and a unit (ms, s, m, h or d) from 0ms to 2m",
        ])
        #expect(problems("[permissions]\ntemporary_validity = 90d\n") == [
            "callbox.conf:11: bad value '90d' for 'temporary_validity' in [permissions]: expected a whole number and a unit (ms, s, m, h or d) from 1h to 30d",
        ])
    }

    @Test func durationUnits() throws {
        #expect(try DurationValue.parse("20ms", within: .zero...(.days(30))).get() == .milliseconds(20))
        #expect(try DurationValue.parse("90m", within: .zero...(.days(30))).get() == .minutes(90))
        #expect(try DurationValue.parse("24h", within: .zero...(.days(30))).get() == .hours(24))
        #expect(try DurationValue.parse("7d", within: .zero...(.days(30))).get() == .days(7))
        #expect(throws: ValueProblem.self) { try DurationValue.parse("99999999999999999999d", within: .zero...(.days(30))).get() }
        #expect(throws: ValueProblem.self) { try DurationValue.parse("-5s", within: .zero...(.days(30))).get() }
    }

    @Test func ownerFirstMustBeShorterThanRingTimeout() {
        #expect(problems("[routing]\nring_timeout = 20s\nowner_first = 30s\n") == [
            "callbox.conf:12: owner_first (30s) must be shorter than ring_timeout (20s), or nobody else is ever rung",
        ])
    }

    @Test func badNumberAndRange() {
        #expect(problems("", base: sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = data\nmax_calls = 100")) == [
            "callbox.conf:4: bad value '100' for 'max_calls' in [box]: expected a whole number from 1 to 64",
        ])
        #expect(problems("[permissions]\nmax_requests_per_week = two\n") == [
            "callbox.conf:11: bad value 'two' for 'max_requests_per_week' in [permissions]: expected a whole number from 1 to 100",
        ])
    }

    @Test func inlineCommentGetsAHint() {
        #expect(problems("[permissions]\nrevoke_after_missed = 4 # Meta's rule\n") == [
            "callbox.conf:11: bad value '4 # Meta's rule' for 'revoke_after_missed' in [permissions]: expected a whole number from 1 to 10; '#' starts a comment only at the beginning of a line",
        ])
    }

    @Test func badSize() throws {
        #expect(problems("", base: sandboxConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\nmax_body = 1MB")) == [
            "callbox.conf:7: bad value '1MB' for 'max_body' in [http]: expected a size in bytes, KiB, MiB, GiB or TiB from 1KiB to 64MiB, e.g. 1MiB",
        ])
        #expect(try ByteSize.parse("512KiB", within: HTTPSettings.bodySizes).get() == 512 * 1024)
        #expect(try ByteSize.parse("2048", within: HTTPSettings.bodySizes).get() == 2048)
    }

    @Test func badBoolean() throws {
        #expect(problems("[dev]\nhost_simulator = maybe\n") == [
            "callbox.conf:11: bad value 'maybe' for 'host_simulator' in [dev]: expected on or off",
        ])
        for yes in ["on", "yes", "true", "ON"] { #expect(try SwitchValue.parse(yes).get()) }
        for no in ["off", "no", "false"] { #expect(try !SwitchValue.parse(no).get()) }
    }

    @Test func badEnum() {
        #expect(problems("[routing]\nhandset = sometimes\n") == [
            "callbox.conf:11: bad value 'sometimes' for 'handset' in [routing]: expected always, fallback or never",
        ])
    }

    @Test func badListen() throws {
        let expected = "expected an IPv4 address and port (127.0.0.1:8080) or [IPv6]:port ([::1]:8080), port 0 to 65535"
        for bad in ["localhost:8080", "127.0.0.1", "127.0.0.1:65536", "::1:80", "[::1]", "1.2.3:80"] {
            #expect(problems("", base: sandboxConfig.replacingFirst("127.0.0.1:0", with: bad)) == [
                "callbox.conf:6: bad value '\(bad)' for 'listen' in [http]: \(expected)",
            ])
        }
        #expect(try ListenAddress.parse("[::1]:8443").get() == ListenAddress(host: "::1", port: 8443, family: .ipv6))
        #expect(try ListenAddress.parse("0.0.0.0:80").get().description == "0.0.0.0:80")
    }

    @Test func badURLs() throws {
        #expect(problems("[hubspot]\napi_url = api.hubapi.com\n[http]\n") == [
            "callbox.conf:11: bad value 'api.hubapi.com' for 'api_url' in [hubspot]: expected an http:// or https:// URL such as https://callbox.example.com",
            "callbox.conf:12: duplicate section [http] (first on line 5)",
        ])
        #expect(problems("", base: sandboxConfig.replacingFirst("graph_url = sandbox", with: "graph_url = sandbx")) == [
            "callbox.conf:9: bad value 'sandbx' for 'graph_url' in [whatsapp]: expected an http:// or https:// URL such as https://callbox.example.com or the word 'sandbox'",
        ])
        for bad in ["https://", "https://user:pw@host", "https://host:0", "http://host:99999/x", "https://a b"] {
            #expect(throws: ValueProblem.self) { try HTTPURL.parse(bad).get() }
        }
        #expect(try HTTPURL.parse("HTTPS://Box.Example:8443/callbox/").get().description == "https://box.example:8443/callbox")
    }

    @Test func publicURLMustBeHTTPSOutsideTheSandbox() {
        let folder = TempFolder()
        folder.write("secrets.conf", validSecrets, mode: 0o600)
        let plain = productionConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\npublic_url = http://box.example")
        #expect(folder.problems(plain) == [
            "callbox.conf:8: public_url must be https:// unless [whatsapp] graph_url = sandbox: Meta and HubSpot only reach a box over HTTPS",
        ])
        #expect(folder.problems(plain.replacingFirst("http://", with: "https://")) == [])
    }

    @Test func graphVersion() throws {
        #expect(problems("", base: sandboxConfig + "graph_version = 24\n") == [
            "callbox.conf:10: bad value '24' for 'graph_version' in [whatsapp]: expected a version like v24.0 (v17.0 or later, which the Calling API needs)",
        ])
        #expect(throws: ValueProblem.self) { try GraphVersion.parse("v16.0").get() }
    }

    @Test func frameAncestors() throws {
        #expect(try FrameAncestors.parse("https://app.hubspot.com, https://*.example.com:8443").get()
                == ["https://app.hubspot.com", "https://*.example.com:8443"])
        #expect(problems("", base: sandboxConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\nframe_ancestors = app.hubspot.com")) == [
            "callbox.conf:7: bad value 'app.hubspot.com' for 'frame_ancestors' in [http]: expected origins such as https://app.hubspot.com, separated by spaces or commas",
        ])
    }

    @Test func phoneNumbersAreNormalised() throws {
        #expect(try PhoneNumber.parse("+1 555 010-0100").get() == "15550100100")
        #expect(throws: ValueProblem.self) { try PhoneNumber.parse("555 CALL ME").get() }
    }

    @Test func missingRequiredKeys() {
        #expect(problems("", base: "[box]\nname = x\n[http]\nlisten = 127.0.0.1:0\n[whatsapp]\ngraph_url = sandbox\n") == [
            "callbox.conf:1: missing required key 'data_dir' in [box]",
        ])
        // An absent section is reported at line 1.
        #expect(problems("", base: "[box]\nname = x\ndata_dir = d\n[whatsapp]\ngraph_url = sandbox\n") == [
            "callbox.conf:1: missing required key 'listen' in [http]",
        ])
        #expect(problems("", base: "[http]\nlisten = 127.0.0.1:0\n\n[whatsapp]\nphone_number_id = 1\n\n[box]\nname = x\ndata_dir = d\n") == [
            "callbox.conf:4: missing required key 'business_number' in [whatsapp]; it is required unless graph_url = sandbox",
            "callbox.conf:7: missing required key 'secrets' in [box]; it is required unless [whatsapp] graph_url = sandbox",
        ])
    }

    @Test func emptyValue() {
        #expect(problems("[hubspot]\nportal_id =\n") == ["callbox.conf:11: empty value for 'portal_id' in [hubspot]"])
    }

    @Test func tlsPairAndReadability() {
        let folder = TempFolder()
        folder.write("cert.pem", "certificate")
        let http = sandboxConfig.replacingFirst("listen = 127.0.0.1:0", with: "listen = 127.0.0.1:0\ntls_cert = cert.pem")
        #expect(folder.problems(http) == ["callbox.conf:7: tls_cert is set but tls_key is not; set both or neither"])
        let both = http.replacingFirst("tls_cert = cert.pem", with: "tls_cert = cert.pem\ntls_key = /nonexistent/key.pem")
        #expect(folder.problems(both) == ["callbox.conf:8: cannot read tls_key '/nonexistent/key.pem': No such file or directory"])
        folder.write("key.pem", "key")
        let good = both.replacingFirst("/nonexistent/key.pem", with: "key.pem")
        #expect(folder.problems(good) == [
            "callbox.conf:8: tls_key 'key.pem' is readable by others or writable by group or others (mode 0644); run chmod 600 key.pem",
        ], "a private key others can read is refused")
        folder.write("key.pem", "key", mode: 0o640)
        let loaded = try? folder.load(good).get()
        #expect(loaded?.http.tls == HTTPSettings.TLSFiles(certificate: folder.path + "/cert.pem", key: folder.path + "/key.pem"),
                "owner and group (Debian's ssl-cert) may read it")
    }

    @Test func tokensNeverGoOverPlainHTTPExceptToThisMachine() {
        let plain = "an https:// URL (plain http:// would send the access token in clear; it is allowed only to 127.0.0.1 or localhost, for test fakes)"
        #expect(problems("[hubspot]\napi_url = http://api.hubapi.com\n") == [
            "callbox.conf:11: bad value 'http://api.hubapi.com' for 'api_url' in [hubspot]: expected \(plain)"])
        #expect(problems("[hubspot]\napi_url = http://127.0.0.1:9000\n").isEmpty)
        #expect(problems("[hubspot]\napi_url = http://localhost:9000\n").isEmpty)
    }

    @Test func agents() {
        #expect(problems("[agent alice]\nemail = alice@x.example\n") == [
            "callbox.conf:10: missing required key 'password_hash' in [agent alice]",
        ])
        #expect(problems("[agent alice]\nemail = alice@x.example\npassword_hash = plaintext\n") == [
            "callbox.conf:12: bad value for 'password_hash' in [agent alice]: expected scrypt$… or pbkdf2-sha256$… as printed by 'callbox hash-password'",
        ])
        #expect(problems("[agent]\n[agent a b]\n[agent x]\nemail = nobody\npassword_hash = pbkdf2-sha256$1$$x\n") == [
            "callbox.conf:10: [agent] needs a name, e.g. [agent alice]",
            "callbox.conf:11: bad name 'a b' in [agent …]: use letters, digits, '.', '-' or '_'",
            "callbox.conf:13: bad value 'nobody' for 'email' in [agent x]: expected an email address such as alice@example.com",
            "callbox.conf:14: bad value for 'password_hash' in [agent x]: expected scrypt$… or pbkdf2-sha256$… as printed by 'callbox hash-password'",
        ])
        let twice = "[agent a]\nemail = same@x.example\npassword_hash = scrypt$s$h\n[agent b]\nemail = SAME@x.example\npassword_hash = scrypt$s$h\n"
        #expect(problems(twice) == ["callbox.conf:14: email 'same@x.example' is already used by [agent a]"])
        #expect(problems("", base: sandboxConfig.replacingFirst("[box]", with: "[box extra]")) == [
            "callbox.conf:1: section [box] takes no name",
            "callbox.conf:1: missing required key 'name' in [box]",
            "callbox.conf:1: missing required key 'data_dir' in [box]",
        ])
    }

    @Test func problemsAcrossTheFileAreAllReportedInLineOrder() {
        let found = problems("[routing]\nhandset = sometimes\nring_timeout = soon\n[dev]\nhost_simulator = maybe\n")
        #expect(found.count == 3)
        #expect(found.map { $0.split(separator: ":")[1] } == ["11", "12", "14"])
    }

    @Test func unreadableConfig() {
        let missing = ConfigCheck.problems(path: "/nonexistent/callbox.conf").map(\.description)
        #expect(missing == ["/nonexistent/callbox.conf:1: cannot read: No such file or directory"])
        let folder = TempFolder()
        #expect(ConfigCheck.problems(path: folder.path).map(\.description) == ["\(folder.path):1: cannot read: not a regular file"])
        // A FIFO is refused at once instead of blocking the loader until someone writes to it.
        let fifo = folder.path + "/fifo.conf"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(ConfigCheck.problems(path: fifo).map(\.description) == ["\(fifo):1: cannot read: not a regular file"])
        let huge = folder.write("huge.conf", bytes: [UInt8](repeating: UInt8(ascii: "#"), count: FileReader.maximumFileSize + 1))
        #expect(ConfigCheck.problems(path: huge).map(\.description) == ["\(huge):1: cannot read: larger than 1 MiB, which no config file needs"])
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}

@Suite struct MediaSettingsTests {
    @Test func acceptsAddressListsAndRefusesNames() throws {
        #expect(try MediaSettings.parseAddresses("127.0.0.1, ::1 192.168.1.20").get() == ["127.0.0.1", "::1", "192.168.1.20"])
        #expect((try? MediaSettings.parseAddresses("box.local").get()) == nil)
        #expect((try? MediaSettings.parseAddresses(" , ").get()) == nil)
    }
}
