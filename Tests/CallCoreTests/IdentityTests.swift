import Testing
@testable import CallCore

@Suite struct CallIdTests {
    @Test(arguments: [
        "wacid.HBgLMzQ2MDAxMTEyMjIVAgASGCBBQjEy",
        "x",
        "wacid.~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
        String(repeating: "a", count: CallId.maxLength),
    ])
    func acceptsPrintableASCIIUpToTheLimit(text: String) {
        let id = CallId(text)
        #expect(id?.description == text)
        #expect(id?.count == text.utf8.count)
    }

    @Test(arguments: [
        "", String(repeating: "a", count: CallId.maxLength + 1), "wacid. space", "wacid.tab\t",
        "wacid.new\nline", "wacid.é", "wacid.\u{7F}", "wacid.\0",
    ])
    func refusesWhatCannotBeAMetaId(text: String) {
        #expect(CallId(text) == nil)
    }

    @Test func bytesAndStringsMakeTheSameValue() {
        let fromBytes = CallId(bytes: Array("wacid.ABC".utf8))
        #expect(fromBytes == CallId("wacid.ABC"))
        #expect(Set([fromBytes, CallId("wacid.ABC"), CallId("wacid.ABD")]).count == 2)
    }

    /// Ids from Meta's reference connect webhook (calling/reference, Jun 26 2026): 102 bytes
    /// with `==` padding, and one of 100 unpadded. Both were refused by the old bound of 96,
    /// so no real call rang.
    @Test(arguments: [
        "wacid.HBgLMTY1MDMxMzM5NzQVAgARGCAwQTJCRDYwNkEzQUNCQUVCMEFGMzYzRTYxNjMxMDdFMxwYCzE0MDg1NTUyODk5FQIAAA==",
        "wacid.HBgLMTY1MDMxMzM5NzQVAgARGCBFRjNEODRBM0Q3NDZDM0Q0QzI4MzAwQjZBRkZGODM3NhwYCzEyMjQ1NTU0NDg5FQIAAA",
    ])
    func keepsRealMetaIdsWholePaddingIncluded(text: String) {
        #expect(text.utf8.count > 96)
        #expect(CallId(text)?.description == text)
        #expect(CallId(text) != CallId(String(text.dropLast())))
    }

    @Test func leavesHeadroomOverMetasLongestIds() {
        #expect(CallId.maxLength >= 256)
    }

    @Test func idsThatDifferOnlyInTheirLastWordDiffer() {
        let long = String(repeating: "a", count: CallId.maxLength - 1)
        #expect(CallId(long + "a") != CallId(long + "b"))
        #expect(CallId(long + "b") == CallId(long + "b"))
    }

    @Test func aPrefixIsADifferentId() {
        #expect(CallId("wacid.ABC") != CallId("wacid.ABCD"))
        #expect(CallId(String(repeating: "a", count: 95)) != CallId(String(repeating: "a", count: 96)))
    }

    @Test func bytesAreLentWithoutCopying() {
        let id = CallId("wacid.XYZ")!
        #expect(id.withUTF8 { Array($0) } == Array("wacid.XYZ".utf8))
    }
}

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("34600111222", "34600111222"),
        ("+34 600 111 222", "34600111222"),
        ("0034 600-111-222", "34600111222"),
        ("+44 (20) 7183-8750", "442071838750"),
        ("(0034) 600 111 222", "34600111222"),
        ("0 600", "0600"),
        ("+0034600", "0034600"),
        ("00" + String(repeating: "9", count: PhoneNumber.maxDigits), String(repeating: "9", count: PhoneNumber.maxDigits)),
        (String(repeating: "1", count: PhoneNumber.maxDigits), String(repeating: "1", count: PhoneNumber.maxDigits)),
    ])
    func normalisesWhatPeopleType(text: String, digits: String) {
        #expect(PhoneNumber(text)?.description == digits)
    }

    @Test(arguments: [
        "", "+", "00", " - ", "34a600", "34.600.111", "34+600", "++34", "+34/600", "３４",
        String(repeating: "1", count: PhoneNumber.maxDigits + 1), "wacid.1",
    ])
    func refusesAnythingElse(text: String) {
        #expect(PhoneNumber(text) == nil)
    }

    @Test func spellingsOfOneNumberAreEqual() {
        let numbers: Set = [PhoneNumber("+34 600 111 222"), PhoneNumber("0034600111222"), PhoneNumber(bytes: Array("34600111222".utf8))]
        #expect(numbers.count == 1)
        #expect(PhoneNumber("3460011122") != PhoneNumber("34600111222"))
    }
}

@Suite struct WhatsAppUserTests {
    /// BSUIDs are `CC.` + up to 128 alphanumerics, parents `CC.ENT.…` (spec §11.4): kept whole.
    @Test func bsuidsUpToTheirLongestFormAreKept() throws {
        let longest = "US." + String(repeating: "7", count: 128)
        #expect(BSUID(longest)?.description == longest)
        let parent = "US.ENT." + String(repeating: "9", count: 128)
        #expect(BSUID(parent)?.description == parent)
        #expect(BSUID.maxLength >= 135 * 3 / 2)
        #expect(BSUID("") == nil && BSUID("US. 1") == nil)
    }

    @Test func aUserIsAPhoneABSUIDOrBoth() throws {
        let phone = try #require(PhoneNumber("34600111222"))
        let id = try #require(BSUID("ES.4471"))
        #expect(WhatsAppUser(phone: nil, userID: nil) == nil)
        #expect(WhatsAppUser(phone: phone, userID: id)?.key == "ES.4471")
        #expect(WhatsAppUser(phone: phone, userID: id)?.description == "34600111222")
        #expect(WhatsAppUser(userID: id).description == "ES.4471")
        #expect(WhatsAppUser(phone: phone).key == "34600111222")
    }

    @Test func addressesArePhonesAsTypedOrBSUIDs() {
        #expect(WhatsAppUser(address: "+34 600 111 222")?.phone == PhoneNumber("34600111222"))
        #expect(WhatsAppUser(address: "US.13491208655302741918")?.userID == BSUID("US.13491208655302741918"))
        #expect(WhatsAppUser(address: "hello") == nil)
        #expect(WhatsAppUser(address: ".5") == nil)
    }

    /// A webhook's `from` that is no phone number (pasted captures mask digits) keys the user
    /// by what Meta sent when no BSUID came with it, so the call still rings.
    @Test func anUnreadablePhoneKeysTheUserWhenNoBSUIDCame() {
        #expect(WhatsAppUser(phoneText: "91********", userIDText: nil)?.userID == BSUID("91********"))
        #expect(WhatsAppUser(phoneText: "91********", userIDText: "IN.55")?.userID == BSUID("IN.55"))
        #expect(WhatsAppUser(phoneText: "34600111222", userIDText: nil)?.userID == nil)
        #expect(WhatsAppUser(phoneText: nil, userIDText: nil) == nil)
    }
}

@Suite struct RecentlyEndedCallsTests {
    /// The fingerprint only narrows the scan: ids differing in their last byte, or sharing a
    /// long prefix like Meta's (`wacid.HBgL…`), are still told apart.
    @Test func idsThatShareLongPrefixesAreToldApart() throws {
        var recent = RecentlyEndedCalls(capacity: 4)
        let prefix = "wacid.HBgMOTE3MzU4NTgwMTgwFQIAEhggQUNEODk3OUQ3NzI4MjZBRTZFNEE2MzU3NDEzNDg4RUUcGAsxNTU1MTQ0MTkwNhUCABUKAA"
        let a = try #require(CallId(prefix + "=="))
        let b = try #require(CallId(prefix + "=A"))
        recent.remember(a)
        #expect(recent.contains(a) && !recent.contains(b))
        #expect(a.fingerprint == CallId(prefix + "==")!.fingerprint)
        for n in 0..<4 { recent.remember(CallId("wacid.N\(n)")!) }
        #expect(!recent.contains(a), "the oldest is forgotten first")
        #expect(recent.count == 4)
    }
}
