import Testing
@testable import Callbox

@Suite struct PasswordHasherTests {
    @Test func hashesWithAFreshSaltAndVerifies() throws {
        let first = try #require(PasswordHasher.hash("correct horse"))
        let second = try #require(PasswordHasher.hash("correct horse"))
        #expect(first.hasPrefix("scrypt$16384$8$1$"))
        #expect(first != second, "each hash has its own salt")
        #expect(PasswordHasher.verify("correct horse", against: first))
        #expect(PasswordHasher.verify("correct horse", against: second))
        #expect(!PasswordHasher.verify("correct horsf", against: first))
        #expect(!PasswordHasher.verify("", against: first))
    }

    @Test(arguments: ["", "scrypt", "scrypt$16384$8$1$c2FsdA==", "pbkdf2$1$2$3$4$5",
                      "scrypt$3$8$1$c2FsdA==$aGFzaA==", "scrypt$16384$8$1$not-base64$aGFzaA==",
                      "scrypt$99999999999$8$1$c2FsdA==$aGFzaA=="])
    func refusesMalformedStoredValues(stored: String) {
        #expect(!PasswordHasher.verify("anything", against: stored))
    }

    @Test func matchesTheRFC7914Vector() {
        // RFC 7914 §12, second vector: "password", salt "NaCl", N=1024, r=8, p=16, 64 bytes.
        let stored = "scrypt$1024$8$16$TmFDbA==$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA=="
        #expect(PasswordHasher.verify("password", against: stored))
    }
}
