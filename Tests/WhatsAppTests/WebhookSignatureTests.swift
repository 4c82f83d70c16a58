import Testing
@testable import WhatsApp

@Suite struct WebhookSignatureTests {
    let secret = Array("Callbox-test-secret".utf8)
    let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
    /// Obtained once with
    /// `printf '{"object":"whatsapp_business_account","entry":[]}' | openssl dgst -sha256 -hmac 'Callbox-test-secret'`.
    let knownHeader = "sha256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf"

    @Test func signsLikeOpenSSLCommandLine() {
        #expect(WebhookSignature.sign(body: body, appSecret: secret) == knownHeader)
        // `printf '' | openssl dgst -sha256 -hmac 'Callbox-test-secret'`
        #expect(WebhookSignature.sign(body: [], appSecret: secret)
            == "sha256=0bf9ef0ccd2c10a873af32a06bc3afdce9460217084c8307fb50026e36daeef4")
    }

    @Test func matchesRFC4231TestCase2() {
        #expect(WebhookSignature.sign(body: Array("what do ya want for nothing?".utf8), appSecret: Array("Jefe".utf8))
            == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// An unset app secret must not crash the check; the vector is from
    /// `python3 -c "import hmac;print(hmac.new(b'', b'x', 'sha256').hexdigest())"`.
    @Test func emptySecretStillHashes() {
        #expect(WebhookSignature.sign(body: Array("x".utf8), appSecret: [])
            == "sha256=4cbc96099a6467ce002461f10549b4898265ebe6188b45efacc44293516e62c4")
    }

    @Test func acceptsTheRightSignature() {
        #expect(WebhookSignature.verify(body: body, header: knownHeader, appSecret: secret) == .valid)
    }

    @Test func missingHeader() {
        #expect(WebhookSignature.verify(body: body, header: nil, appSecret: secret) == .missing)
    }

    @Test(arguments: [
        "",
        "sha256=",
        "sha1=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf",
        "sha256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9c",
        "sha256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf0",
        "sha256=g4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf",
        " sha256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9c",
    ])
    func malformedHeader(header: String) {
        #expect(WebhookSignature.verify(body: body, header: header, appSecret: secret) == .malformed)
    }

    /// Meta writes lowercase; a proxy that re-cases or pads the header does not make the
    /// delivery unreadable, and the digest must still match.
    @Test(arguments: [
        "SHA256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf",
        "sha256=D4641B1E9CA39C35EB1D1357A43F7984070576C567EAB3BD1223E44150BAA9CF",
        " sha256=d4641b1e9ca39c35eb1d1357a43f7984070576c567eab3bd1223e44150baa9cf ",
    ])
    func caseAndPaddingOfTheHeaderDoNotMatter(header: String) {
        #expect(WebhookSignature.verify(body: body, header: header, appSecret: secret) == .valid)
    }

    @Test func mismatches() {
        var tampered = body
        tampered[2] ^= 1
        #expect(WebhookSignature.verify(body: tampered, header: knownHeader, appSecret: secret) == .mismatch)
        #expect(WebhookSignature.verify(body: body, header: knownHeader, appSecret: Array("other".utf8)) == .mismatch)
        let reserialised = Array(#"{"object": "whatsapp_business_account", "entry": []}"#.utf8)
        #expect(WebhookSignature.verify(body: reserialised, header: knownHeader, appSecret: secret) == .mismatch)
    }

    @Test func fixturesVerifyOverTheirRawBytes() {
        let raw = Fixture.bytes("webhooks/call-connect-user-initiated.json")
        let header = WebhookSignature.sign(body: raw, appSecret: secret)
        #expect(WebhookSignature.verify(body: raw, header: header, appSecret: secret) == .valid)
    }
}

@Suite struct WebhookVerificationTests {
    let token = "my-verify-token"

    @Test func echoesTheChallengeUnchanged() {
        let query = [("hub.mode", "subscribe"), ("hub.challenge", "0001158201444"), ("hub.verify_token", token)]
        #expect(WebhookVerification.respond(query: query.map { (name: $0.0, value: $0.1) }, verifyToken: token) == "0001158201444")
    }

    @Test(arguments: [
        [("hub.mode", "subscribe"), ("hub.challenge", "1"), ("hub.verify_token", "wrong")],
        [("hub.mode", "unsubscribe"), ("hub.challenge", "1"), ("hub.verify_token", "my-verify-token")],
        [("hub.challenge", "1"), ("hub.verify_token", "my-verify-token")],
        [("hub.mode", "subscribe"), ("hub.verify_token", "my-verify-token")],
        [("hub.mode", "subscribe"), ("hub.challenge", "1")],
        [("hub.mode", "subscribe"), ("hub.challenge", "1"), ("hub.verify_token", "my-verify-token-")],
        [("hub.mode", "subscribe"), ("hub.challenge", "1"), ("hub.verify_token", "")],
    ])
    func refuses(query: [(String, String)]) {
        #expect(WebhookVerification.respond(query: query.map { (name: $0.0, value: $0.1) }, verifyToken: token) == nil)
    }

    @Test func refusesEverythingWithoutAConfiguredToken() {
        let query = ["hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": ""]
        #expect(WebhookVerification.respond(verifyToken: "") { query[$0] } == nil)
    }

    @Test func readsThroughALookup() {
        let query = ["hub.mode": "subscribe", "hub.challenge": "abc", "hub.verify_token": token]
        #expect(WebhookVerification.respond(verifyToken: token) { query[$0] } == "abc")
    }
}
