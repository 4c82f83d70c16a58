import CallCore
import Config
import Media
import Runtime
import WhatsApp

/// The wiring, one assembly per concern, each built whole from what is built before it
/// (`Appliance.init` shows the order). An assembly owns no behaviour: it constructs its
/// concern's types with their collaborators and names the few late bindings a cycle forces.
///
/// This one is the box's link to Meta: the Graph API client, over libcurl to Meta or to the
/// sandbox's fake Graph inside the box (`graph_url = sandbox`), and the business number.
struct GraphLink {
    let number: BusinessNumber
    /// The number messages and permission requests are sent from; nil without a
    /// `phone_number_id` (a number not registered yet): nothing can be sent, and deliveries are
    /// not filtered by a number the box does not know.
    let sendingNumber: BusinessNumber?
    /// `[whatsapp] business_number`, or the sandbox's.
    let business: PhoneNumber?
    /// libcurl on the loop, one multi handle for Meta's Graph API and HubSpot's CRM API; nil
    /// when neither is used (the sandbox without a HubSpot token).
    let httpClient: HTTPClient?
    let graph: GraphClient
    let sandbox: SandboxGraph?

    init(config: LoadedConfig, loop: EventLoop, media: MediaAssembly) {
        let secrets = config.secrets
        number = BusinessNumber(graphVersion: config.whatsapp.graphVersion,
                                phoneNumberID: config.whatsapp.phoneNumberID ?? SandboxIdentity.phoneNumberID)
        business = PhoneNumber(config.whatsapp.businessNumber ?? SandboxIdentity.businessNumber)
        let usesMeta = if case .url = config.whatsapp.graph { true } else { false }
        let client = usesMeta || secrets.hubspotAccessToken != nil ? HTTPClient(loop: loop) : nil
        httpClient = client
        switch config.whatsapp.graph {
        case .sandbox:
            // The sandbox's WhatsApp user has a phone with real media: real SDP, real audio.
            let phone = SandboxPhone(media: media.engine, dataDirectory: config.box.dataDirectory)
            media.events.subscribe { [weak phone] in phone?.mediaEvent($0) }
            let fake = SandboxGraph(loop: loop, webhookURL: Appliance.localURL(config) + "/webhook",
                                    appSecret: secrets.whatsappAppSecret.revealed, phoneNumberID: number.phoneNumberID,
                                    businessNumber: config.whatsapp.businessNumber ?? SandboxIdentity.businessNumber, phone: phone)
            sandbox = fake
            graph = GraphClient(transport: fake, baseURL: SandboxGraph.baseURL, accessToken: secrets.whatsappAccessToken.revealed)
        case let .url(url):
            sandbox = nil
            // Made above for every real Graph URL.
            graph = GraphClient(transport: client!, baseURL: url.description, accessToken: secrets.whatsappAccessToken.revealed)
        }
        sendingNumber = config.whatsapp.phoneNumberID != nil || sandbox != nil ? number : nil
    }
}
