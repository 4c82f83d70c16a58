import Testing
@testable import WhatsApp

let messageSource = WebhookSource(businessAccountID: "210987654321098", field: "messages",
                                  phoneNumberID: "301234567890123", displayPhoneNumber: "442071838750")

/// The only message of a one-message fixture, with nothing rejected.
func onlyMessage(_ name: String) throws -> InboundMessage {
    let decoded = try delivery(name)
    #expect(decoded.rejected.isEmpty)
    guard decoded.events.count == 1, case .message(let message) = decoded.events[0] else {
        Issue.record("\(name): expected one message, got \(decoded.events)")
        throw WebhookDecodeError(path: "", message: "fixture shape")
    }
    return message
}

@Suite struct MessageWebhookTests {
    @Test func text() throws {
        let message = try onlyMessage("message-text.json")
        #expect(message == InboundMessage(
            source: messageSource, id: "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy", from: "34600111222", timestamp: 1_767_226_800,
            type: "text", contact: ana, content: .text(body: "Is the office open on Saturday?")))
        #expect(message.dedupKey == "message:wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQxQUIy")
    }

    @Test func textWithEscapesContextAndUnknownFields() throws {
        let message = try onlyMessage("message-text-reply-forwarded.json")
        #expect(message.content == .text(body: "Café 😀 \"quoted\"\nsecond line"))
        #expect(message.context == MessageContext(from: "442071838750", id: "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBI5QTQy",
                                                  forwarded: true, frequentlyForwarded: true))
    }

    @Test func interactiveReplies() throws {
        let button = try onlyMessage("message-interactive-button-reply.json")
        #expect(button.content == .interactive(.buttonReply(id: "slot-10am", title: "10:00")))
        #expect(button.context?.id == "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJCVE4x")
        #expect(try onlyMessage("message-interactive-list-reply.json").content
            == .interactive(.listReply(id: "dept-sales", title: "Sales", description: "New bookings and quotes")))
        #expect(try onlyMessage("message-interactive-nfm-reply.json").content
            == .interactive(.flowReply(name: "flow", body: "Sent", responseJSON: #"{"flow_token":"ft-1","date":"2026-01-03"}"#)))
    }

    @Test func templateButton() throws {
        let message = try onlyMessage("message-button.json")
        #expect(message.content == .button(payload: "CONFIRM_BOOKING", text: "Confirm"))
    }

    @Test func media() throws {
        #expect(try onlyMessage("message-image.json").content == .media(MediaAttachment(
            kind: "image", id: "1479537139650973", mimeType: "image/jpeg", sha256: "Ukl3cTZnSnR5dEhVbGJ2c3h4b0RqWEZpRDNFeWxBT1E=",
            caption: "The broken part", url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1479537139650973")))
        #expect(try onlyMessage("message-video.json").content == .media(MediaAttachment(
            kind: "video", id: "2084361921997541", mimeType: "video/mp4", sha256: "dmlkZW9oYXNodmlkZW9oYXNodmlkZW9oYXNodmlkZW8=")))
        #expect(try onlyMessage("message-audio-voice.json").content == .media(MediaAttachment(
            kind: "audio", id: "925318642712354", mimeType: "audio/ogg; codecs=opus",
            sha256: "YXVkaW9oYXNoYXVkaW9oYXNoYXVkaW9oYXNoYXVkaW8=", voice: true)))
        #expect(try onlyMessage("message-document.json").content == .media(MediaAttachment(
            kind: "document", id: "774209385610427", mimeType: "application/pdf", sha256: "ZG9jaGFzaGRvY2hhc2hkb2NoYXNoZG9jaGFzaGRvY2g=",
            caption: "Invoice", filename: "invoice-2026-001.pdf")))
        #expect(try onlyMessage("message-sticker.json").content == .media(MediaAttachment(
            kind: "sticker", id: "1320543891824490", mimeType: "image/webp", sha256: "c3RpY2tlcmhhc2hzdGlja2VyaGFzaHN0aWNrZXJoYXM=", animated: false)))
    }

    @Test func location() throws {
        #expect(try onlyMessage("message-location.json").content == .location(Location(
            latitude: 40.4167754, longitude: -3.7037902, name: "Puerta del Sol",
            address: "Plaza de la Puerta del Sol, Madrid", url: "https://example.com/sol")))
    }

    @Test func sharedContacts() throws {
        guard case .contacts(let cards) = try onlyMessage("message-contacts.json").content else { Issue.record("not contacts"); return }
        #expect(cards.count == 1)
        #expect(cards[0].formattedName == "Luis Ortega")
        #expect(cards[0].phones == [SharedContact.Phone(phone: "+34 600 333 444", waID: "34600333444", type: "CELL"),
                                    SharedContact.Phone(phone: "+34 910 000 111", type: "WORK")])
        #expect(cards[0].card["org"]?["company"]?.string == "Ortega SL")
    }

    @Test func reactionsAddedAndRemoved() throws {
        let decoded = try delivery("message-reaction.json")
        let contents = decoded.events.compactMap { event -> MessageContent? in
            if case .message(let message) = event { return message.content }
            return nil
        }
        #expect(contents == [.reaction(messageID: "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1", emoji: "👍"),
                             .reaction(messageID: "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1", emoji: nil)])
    }

    @Test func unsupportedKeepsItsErrors() throws {
        let message = try onlyMessage("message-unsupported.json")
        #expect(message.content == .unsupported(type: "poll_update"))
        #expect(message.errors == [MetaError(code: 131051, title: "Message type unknown", message: "Message type unknown",
                                             details: "Message type is currently not supported.")])
    }

    @Test func systemMessageWithoutContacts() throws {
        let message = try onlyMessage("message-system.json")
        #expect(message.content == .system(body: "Ana Ruiz changed their phone number to a new number", type: "user_changed_number"))
        #expect(message.contact == nil)
    }

    @Test func rawTypesAreKept() throws {
        let order = try onlyMessage("message-order.json")
        #expect(order.type == "order")
        guard case .raw(let payload) = order.content else { Issue.record("order not raw"); return }
        #expect(payload["catalog_id"]?.string == "889900112233")
        #expect(payload["product_items"]?[0]?["item_price"]?.double == 12.5)
        let welcome = try onlyMessage("message-request-welcome.json")
        #expect(welcome.type == "request_welcome" && welcome.content == .raw(.null))
        let unknown = try onlyMessage("message-unknown-type.json")
        #expect(unknown.type == "hologram" && unknown.content == .raw(["id": "42", "depth": 3]))
    }

    @Test func permissionReplyTemporaryWithStringExpiration() throws {
        let message = try onlyMessage("permission-reply-accept-temporary.json")
        #expect(message.content == .interactive(.callPermissionReply(CallPermissionReply(
            response: .accept, isPermanent: false, expirationTimestamp: 1_767_831_300, responseSource: .userAction))))
        #expect(message.context?.id == "wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBI5QTQy")
        #expect(message.id == "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzRUIw")
    }

    @Test func permissionReplyPermanentRejectAndAutomatic() throws {
        #expect(try onlyMessage("permission-reply-accept-permanent.json").content == .interactive(.callPermissionReply(
            CallPermissionReply(response: .accept, isPermanent: true, responseSource: .userAction))))
        #expect(try onlyMessage("permission-reply-reject.json").content == .interactive(.callPermissionReply(
            CallPermissionReply(response: .reject, isPermanent: false, responseSource: .userAction))))
        let automatic = try onlyMessage("permission-reply-automatic.json")
        #expect(automatic.content == .interactive(.callPermissionReply(
            CallPermissionReply(response: .accept, isPermanent: false, expirationTimestamp: 1_767_831_400, responseSource: .automatic))))
        #expect(automatic.context?.id == userInitiatedCallID)
    }

    @Test func bsuidOnlyMessage() throws {
        let message = try onlyMessage("bsuid-message.json")
        #expect(message.from == nil)
        #expect(message.fromUserID == "ES.13491208655302741918")
        #expect(message.contact == WebhookContact(userID: "ES.13491208655302741918", name: "Ana Ruiz", username: "ana.ruiz", countryCode: "ES"))
    }

    @Test func outboundStatuses() throws {
        let decoded = try delivery("message-statuses.json")
        #expect(decoded.rejected.isEmpty)
        let statuses = decoded.events.compactMap { event -> MessageStatus? in
            if case .messageStatus(let status) = event { return status }
            return nil
        }
        #expect(statuses.map(\.status) == [.sent, .delivered, .read, .played])
        #expect(statuses.map(\.timestamp) == [1_767_226_810, 1_767_226_811, 1_767_226_812, 1_767_226_900])
        #expect(statuses[0].recipientID == "34600111222")
        #expect(statuses[0].pricing?["pricing_model"]?.string == "PMP")
        #expect(statuses[3].recipientUserID == "ES.88231977560044123")
        #expect(statuses[3].bizOpaqueCallbackData == "voice-note-7")
        #expect(decoded.events.map(\.dedupKey) == [
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1:sent",
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1:delivered",
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJGRjA1:read",
            "message-status:wamid.HBgLMzQ2MDAxMTEyMjIVAgARGBJWT0lD:played",
        ])
    }

    @Test func failedStatusCarriesItsError() throws {
        let decoded = try delivery("message-status-failed.json")
        guard case .messageStatus(let status)? = decoded.events.first else { Issue.record("no status"); return }
        #expect(status.status == .failed)
        #expect(status.errors.map(\.code) == [131047])
        #expect(status.errors.first?.title == "Re-engagement message")
        #expect(status.errors.first?.details?.hasPrefix("Message failed to send") == true)
    }

    @Test func valueErrorsWithoutItemsAreSystemErrors() throws {
        let decoded = try delivery("system-errors.json")
        #expect(decoded.events == [.systemErrors(source: messageSource, errors: [MetaError(
            code: 130429, title: "Rate limit hit", message: "(#130429) Rate limit hit", details: "Cloud API message throughput has been reached.")])])
        #expect(decoded.events[0].dedupKey == nil)
    }
}
