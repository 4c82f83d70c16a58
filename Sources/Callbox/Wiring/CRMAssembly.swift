import CallCore
import Config
import HubSpot
import Journal
import Runtime

/// HubSpot: who a number is, and the log of calls and messages delivered through the outbox.
/// Without a `hubspot_access_token` there is no API, no log and no worker, and the directory
/// answers "no match" for everyone.
struct CRMAssembly {
    let api: HubSpotAPI?
    let contacts: ContactDirectory
    let widgetLog: WidgetCallLog?
    let hubSpotLog: HubSpotLog?
    let outboxWorker: OutboxWorker?

    init(config: LoadedConfig, journal: Journal, link: GraphLink, loop: EventLoop, metrics: Metrics) {
        var api: HubSpotAPI?
        if let token = config.secrets.hubspotAccessToken, let client = link.httpClient {
            api = HubSpotAPI(transport: client, baseURL: config.hubspot.apiURL.description, accessToken: token.revealed)
        }
        self.api = api
        let contacts = ContactDirectory(contacts: api.map { HubSpotContacts(api: $0) })
        self.contacts = contacts
        guard let api else {
            widgetLog = nil
            hubSpotLog = nil
            outboxWorker = nil
            return
        }
        let widgetLog = WidgetCallLog(journal: journal) { Instant(unixMilliseconds: WallClock.milliseconds()) }
        self.widgetLog = widgetLog
        hubSpotLog = HubSpotLog(journal: journal, agentOwnerIDs: config.agents.map(\.hubspotOwnerID),
                                logMessages: config.hubspot.logMessages, widget: widgetLog)
        outboxWorker = OutboxWorker(journal: journal, writer: CRMWriter(api: api), loop: loop, metrics: metrics) { phone, completion in
            guard let number = PhoneNumber(phone) else {
                completion(.success(OutboxWorker.ResolvedContact(contactID: nil, ownerID: nil)))
                return
            }
            contacts.lookup(number) { completion(OutboxWorker.ResolvedContact.from($0)) }
        }
    }
}
