import CallCore
import Config
import Journal
import Runtime

/// What comes in from Meta and what goes out as text: the webhook intake (signature, durable
/// commit, the disk budget), the inbox that decodes each delivery into calls, messages and
/// permission replies, and sending texts. Every message is matched to its HubSpot contact and
/// told to the widgets.
struct MessagingAssembly {
    let budget: JournalBudget
    let intake: WebhookIntake
    let inbox: InboxProcessor
    let messaging: WhatsAppMessaging

    init(config: LoadedConfig, journal: Journal, link: GraphLink, crm: CRMAssembly, calls: CallsAssembly,
         events: LiveEvents, loop: EventLoop, metrics: Metrics) {
        let secrets = config.secrets
        budget = JournalBudget(journal: journal, limitBytes: config.box.maxDatabaseSize)
        intake = WebhookIntake(journal: journal, budget: budget, appSecret: secrets.whatsappAppSecret.revealed,
                               verifyToken: secrets.whatsappVerifyToken.revealed, metrics: metrics)
        let inbox = InboxProcessor(journal: journal, calls: calls.controller, phoneNumberID: link.sendingNumber?.phoneNumberID,
                                   businessNumber: link.business, loop: loop, metrics: metrics,
                                   permissions: calls.permissions, hubSpotLog: crm.hubSpotLog)
        self.inbox = inbox
        intake.onCommitted = { inbox.enqueue($0) }
        messaging = WhatsAppMessaging(journal: journal, graph: link.graph, number: link.sendingNumber, hubSpotLog: crm.hubSpotLog)
        let linker = CommsContactLinker(directory: crm.contacts, journal: journal, loop: loop)
        let feed = events.messages
        inbox.messageStored.subscribe {
            linker.link(wamid: $0.wamid, phone: $0.phone)
            feed.stored(wamid: $0.wamid)
        }
        inbox.statusApplied.subscribe { feed.status(wamid: $0.wamid, status: $0.status) }
        messaging.sent.subscribe { sent in
            feed.stored(wamid: sent.wamid)
            if sent.contactID == nil, let phone = sent.phone { linker.link(wamid: sent.wamid, phone: phone) }
        }
    }
}
