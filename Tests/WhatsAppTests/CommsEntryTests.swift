import CallCore
import Runtime
import Testing
@testable import WhatsApp

/// Every message fixture and the line it logs as.
private let expectedBodies: [(fixture: String, type: String, body: String)] = [
    ("message-text.json", "text", "Is the office open on Saturday?"),
    ("message-text-reply-forwarded.json", "text", "Café 😀 \"quoted\"\nsecond line"),
    ("message-interactive-button-reply.json", "interactive", "10:00"),
    ("message-interactive-list-reply.json", "interactive", "Sales"),
    ("message-interactive-nfm-reply.json", "interactive", "Sent"),
    ("message-button.json", "button", "Confirm"),
    ("message-image.json", "image", "Media message received"),
    ("message-video.json", "video", "Media message received"),
    ("message-audio-voice.json", "audio", "Media message received"),
    ("message-document.json", "document", "Media message received"),
    ("message-sticker.json", "sticker", "Media message received"),
    ("message-location.json", "location",
     "Location: Puerta del Sol, Plaza de la Puerta del Sol, Madrid (40.4167754, -3.7037902)"),
    ("message-contacts.json", "contacts", "Contact: Luis Ortega"),
    ("message-unsupported.json", "unsupported", "Unsupported message (poll_update): error 131051 Message type unknown"),
    ("message-system.json", "system", "Ana Ruiz changed their phone number to a new number"),
    ("message-order.json", "order", "Received a order message"),
    ("message-request-welcome.json", "request_welcome", "Received a request_welcome message"),
    ("message-unknown-type.json", "hologram", "Received a hologram message"),
    ("permission-reply-accept-temporary.json", "interactive", "Call permission: accepted (temporary until 2026-01-08 00:15 UTC)"),
    ("permission-reply-accept-permanent.json", "interactive", "Call permission: accepted (permanent)"),
    ("permission-reply-reject.json", "interactive", "Call permission: rejected"),
    ("permission-reply-automatic.json", "interactive", "Call permission: accepted (temporary until 2026-01-08 00:16 UTC, by calling us)"),
    ("bsuid-message.json", "text", "Hola"),
]

private func entries(_ name: String) throws -> [CommsEntry] {
    try delivery(name).events.compactMap { event in
        if case .message(let message) = event { return CommsEntry(inbound: message) }
        return nil
    }
}

@Suite struct CommsEntryTests {
    @Test(arguments: expectedBodies.indices)
    func everyMessageFixtureLogsAsReadableText(index: Int) throws {
        let expected = expectedBodies[index]
        let entry = try #require(try entries(expected.fixture).first)
        #expect(entry.type == expected.type, "\(expected.fixture)")
        #expect(entry.body == expected.body, "\(expected.fixture)")
        #expect(entry.direction == .inbound)
        #expect(entry.wamid.hasPrefix("wamid."))
    }

    @Test func everyMessageFixtureIsInTheTable() {
        let messageFixtures = Fixture.names(in: "webhooks").map { String($0.dropFirst("webhooks/".count)) }
            .filter { ($0.hasPrefix("message-") && !$0.hasPrefix("message-status")) || $0.hasPrefix("permission-reply") || $0 == "bsuid-message.json" }
        #expect(Set(messageFixtures).subtracting(["message-reaction.json"]) == Set(expectedBodies.map(\.fixture)))
    }

    @Test func textKeepsPhoneTimeAndKeysOnThePhone() throws {
        let entry = try #require(try entries("message-text.json").first)
        #expect(entry == CommsEntry(wamid: "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy", direction: .inbound, contactKey: "34600111222",
                                    phone: "34600111222", type: "text", body: "Is the office open on Saturday?",
                                    sentAt: Instant(unixSeconds: 1_767_226_800)))
    }

    @Test func businessScopedUserIDIsTheContactKey() throws {
        let entry = try #require(try entries("bsuid-message.json").first)
        #expect(entry.contactKey == "ES.13491208655302741918")
        #expect(entry.phone == nil)
    }

    @Test func mediaKeepsMimeTypeCaptionAndFileName() throws {
        let document = try #require(try entries("message-document.json").first)
        #expect(document.mimeType == "application/pdf")
        #expect(document.caption == "Invoice")
        #expect(document.fileName == "invoice-2026-001.pdf")
        let image = try #require(try entries("message-image.json").first)
        #expect(image.mimeType == "image/jpeg" && image.caption == "The broken part" && image.fileName == nil)
        #expect(try entries("message-audio-voice.json").first?.mimeType == "audio/ogg; codecs=opus")
    }

    @Test func reactionsAddedAndRemoved() throws {
        #expect(try entries("message-reaction.json").map(\.body) == [
            "Reacted 👍 to wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1", "Removed a reaction",
        ])
    }

    @Test func unsupportedKeepsItsError() throws {
        let entry = try #require(try entries("message-unsupported.json").first)
        #expect(entry.errorCode == 131051)
        #expect(entry.errorText == "Message type unknown")
    }

    @Test func rawTypesKeepTheirJSON() throws {
        let unknown = try #require(try entries("message-unknown-type.json").first)
        #expect(unknown.raw.map { try? JSONParser.parse($0) } == .some(["id": "42", "depth": 3]))
        let contacts = try #require(try entries("message-contacts.json").first)
        #expect(contacts.raw != nil)
    }

    @Test func outboundText() {
        let entry = CommsEntry.outboundText(to: "+34 600-111 222", body: "See you at 10", wamid: "wamid.OUT1",
                                            at: Instant(unixSeconds: 1_767_226_810))
        #expect(entry == CommsEntry(wamid: "wamid.OUT1", direction: .outbound, contactKey: "34600111222", phone: "34600111222",
                                    type: "text", body: "See you at 10", sentAt: Instant(unixSeconds: 1_767_226_810)))
        #expect(CommsEntry.outboundText(to: nil, userID: "ES.1", body: "x", wamid: "wamid.OUT2", at: Instant(unixSeconds: 0)).contactKey == "ES.1")
    }

    @Test(arguments: [
        ("+34 600-111 222", "34600111222"),
        ("0034600111222", "34600111222"),
        ("(34) 600 111 222", "34600111222"),
        ("34600111222", "34600111222"),
        ("+44 20 7183.8750", "442071838750"),
    ])
    func phoneNormalisation(input: String, expected: String) {
        #expect(CommsEntry.normalisedPhone(input) == expected)
    }

    @Test func unusablePhonesAreNil() {
        #expect(CommsEntry.normalisedPhone("") == nil)
        #expect(CommsEntry.normalisedPhone("+ ( )") == nil)
        #expect(CommsEntry.normalisedPhone("call me") == nil)
        #expect(CommsEntry.normalisedPhone(nil) == nil)
        #expect(CommsEntry.contactKey(userID: "", phone: "+34 600 111 222") == "34600111222")
    }

    @Test func utcMinutes() {
        #expect(UTCTimeText.minute(unixSeconds: 0) == "1970-01-01 00:00 UTC")
        #expect(UTCTimeText.minute(unixSeconds: 951_782_400) == "2000-02-29 00:00 UTC")
        #expect(UTCTimeText.minute(unixSeconds: 1_767_225_599) == "2025-12-31 23:59 UTC")
    }
}

@Suite struct CommsEntryStatusTests {
    @Test func statusesCarryNameAndMetasTime() throws {
        let updates = try delivery("message-statuses.json").events.compactMap { event -> CommsEntry.StatusUpdate? in
            if case .messageStatus(let status) = event { return CommsEntry.StatusUpdate(status) }
            return nil
        }
        #expect(updates.map(\.status) == ["sent", "delivered", "read", "played"])
        #expect(updates[0] == CommsEntry.StatusUpdate(wamid: "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1", status: "sent",
                                                      at: Instant(unixSeconds: 1_767_226_810)))
    }

    @Test func failedCarriesItsFirstError() throws {
        guard case .messageStatus(let status)? = try delivery("message-status-failed.json").events.first else {
            Issue.record("no status")
            return
        }
        let update = CommsEntry.StatusUpdate(status)
        #expect(update.status == "failed")
        #expect(update.errorCode == 131047)
        #expect(update.errorText == "Re-engagement message")
    }
}
