import Testing
import Runtime
@testable import WhatsApp

/// Every webhook sample of the conformance corpus (Meta's published samples and real captures,
/// `Tests/Fixtures/conformance/`) decodes to the kinds of event the manifest names, with nothing
/// rejected. The interop replay (`test_conformance.py`) sends the same samples through the
/// running box; this is the decoder's own account.
@Suite struct ConformanceCorpusTests {
    @Test func theManifestNamesEveryWebhookSampleInTheCorpus() throws {
        let named = Set(try ConformanceSample.manifest().map(\.name))
        let files = Set(ConformanceSample.webhookFiles())
        #expect(files.count >= 50)
        #expect(files.subtracting(named).sorted() == [], "samples without an expected kind in expected-kinds.json")
        #expect(named.subtracting(files).sorted() == [], "manifest entries without a file")
    }

    @Test(arguments: try ConformanceSample.manifest().map(\.name))
    func sampleDecodesAsItsKind(name: String) throws {
        let expected = try #require(try ConformanceSample.manifest().first { $0.name == name }).kinds
        let sample = try ConformanceSample(name)
        var kinds: [String] = []
        for delivery in sample.deliveries {
            let decoded = try WebhookDelivery.decode(delivery)
            #expect(decoded.rejected.isEmpty, "\(name): \(decoded.rejected.map(\.description))")
            kinds += decoded.events.map(\.kind)
        }
        #expect(kinds.sorted() == expected.sorted())
    }

    /// The call ids of real deliveries are kept whole: 100–110 bytes, `=` padding included.
    @Test func realCallIdsSurviveDecodingWhole() throws {
        let sample = try ConformanceSample("captures/calls-connect-uic-mamlesh06-readme.json")
        let decoded = try WebhookDelivery.decode(sample.deliveries[0])
        guard case .call(let call)? = decoded.events.first else { Issue.record("no call"); return }
        #expect(call.id.utf8.count == 106)
        #expect(call.id.hasSuffix("=="))
    }

    /// Meta's samples print permission replies without `messages[].type` (spec §11.8).
    @Test func aPermissionReplyWithoutATypeIsStillAPermissionReply() throws {
        let sample = try ConformanceSample("spec-written/messages-call-permission-reply-automatic-no-type.json")
        let decoded = try WebhookDelivery.decode(sample.deliveries[0])
        guard case .message(let message)? = decoded.events.first,
              case .interactive(.callPermissionReply(let reply)) = message.content else {
            Issue.record("not a permission reply: \(decoded.events)"); return
        }
        #expect(message.type == "interactive")
        #expect(reply == CallPermissionReply(response: .accept, isPermanent: false, expirationTimestamp: 1_767_831_300,
                                             responseSource: .automatic))
        #expect(message.context?.id?.hasPrefix("wacid.") == true)
    }

    /// A username user's message: no `from`, no `wa_id`; the BSUID keys it (spec §11.4).
    @Test func aUsernameUsersMessageIsKeyedByTheirBSUID() throws {
        let sample = try ConformanceSample("meta-docs/messages-text-username-no-phone-2026.json")
        let decoded = try WebhookDelivery.decode(sample.deliveries[0])
        guard case .message(let message)? = decoded.events.first else { Issue.record("no message"); return }
        #expect(message.from == nil)
        let entry = CommsEntry(inbound: message)
        #expect(entry.contactKey == message.fromUserID)
        #expect(entry.phone == nil)
    }

    /// A voicemail's id is the call's wacid (spec §11.2): stored as a voicemail under its own key.
    @Test func aVoicemailIsAMessageOfItsOwn() throws {
        let sample = try ConformanceSample("meta-docs/messages-voicemail-audio-with-wacid-id-2026.json")
        let decoded = try WebhookDelivery.decode(sample.deliveries[0])
        guard case .message(let message)? = decoded.events.first else { Issue.record("no message"); return }
        #expect(message.isVoicemail)
        #expect(message.dedupKey == "message:\(message.id)")
        #expect(CommsEntry(inbound: message).type == "voicemail")
    }

    @Test func aFailedTerminateKeepsTheErrorMetaRepeatedAtValueLevelOnce() throws {
        let sample = try ConformanceSample("captures/calls-terminate-uic-failed-138021-mamlesh06-readme.json")
        let decoded = try WebhookDelivery.decode(sample.deliveries[0])
        guard case .call(let call)? = decoded.events.first, case .terminate(let termination) = call.event else {
            Issue.record("no terminate"); return
        }
        #expect(call.errors.map(\.code) == [138021])
        #expect(call.errors.first?.message?.isEmpty == false)
        #expect(termination.outcomes == [.failed])
        #expect(termination.duration == 20)
    }
}
