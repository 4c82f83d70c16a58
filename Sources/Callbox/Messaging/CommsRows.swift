import CallCore
import Journal
import WhatsApp

/// The WhatsApp side's comms entry as the journal stores it (Journal does not depend on
/// the WhatsApp wire model, so the daemon copies one into the other).
extension CommsRecord {
    init(_ entry: CommsEntry, at now: Instant) {
        self.init(wamid: entry.wamid, direction: entry.direction == .inbound ? "inbound" : "outbound",
                  contactKey: entry.contactKey, phone: entry.phone, type: entry.type, body: entry.body,
                  mimeType: entry.mimeType, caption: entry.caption, fileName: entry.fileName,
                  errorCode: entry.errorCode, errorText: entry.errorText, sentAt: entry.sentAt, updatedAt: now,
                  raw: entry.raw)
    }
}
