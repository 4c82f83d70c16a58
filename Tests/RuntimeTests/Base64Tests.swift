import Testing
@testable import Runtime

@Suite struct Base64Tests {
    // RFC 4648 §10 test vectors.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func encodesAndDecodesTheRFCVectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Z===", "Zm9v!", "Zg==Zg==", "=Zg=", "Zm=v"])
    func refusesNonCanonicalText(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
