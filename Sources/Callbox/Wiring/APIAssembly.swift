import Config
import Journal
import Runtime

/// What agents' browsers reach: sign-in and sessions, the `/api` routes over calls,
/// permissions, texts and live events, and the widget's own files.
struct APIAssembly {
    let agents: AgentAuthentication
    let router: ApiRouter
    let widget: WidgetServer

    init(config: LoadedConfig, journal: Journal, link: GraphLink, crm: CRMAssembly, calls: CallsAssembly,
         messaging: MessagingAssembly, events: LiveEvents, loop: EventLoop) throws {
        let agents = AgentAuthentication(journal: journal, agents: config.agents, secureCookie: config.http.tls != nil, loop: loop,
                                         publicOrigin: config.http.publicURL.map(WidgetServer.origin(of:)),
                                         clientAddress: ClientAddress(trustedProxies: config.http.trustedProxies))
        try agents.syncAgents()
        self.agents = agents
        let hub = events.hub
        agents.signedOut.subscribe { hub.endSession(tokenHash: $0) }
        let permissionRoutes = PermissionEndpoints(permissions: calls.permissions)
        let callRoutes = CallsEndpoints(calls: calls.controller, commands: calls.commands, feed: calls.feed, journal: journal,
                                        agentNames: config.agents.map(\.name), widgetLog: crm.widgetLog)
        let texts = messaging.messaging
        router = ApiRouter(authentication: agents) { endpoint in
            switch endpoint {
            case .login: .open(agents.login)
            case .logout: .agent(agents.logout)
            case .me: .agent(agents.me)
            case .whatsappSend: .agent(texts.send)
            case .comms: .agent(texts.conversation)
            case .permissionStatus: .agent(permissionRoutes.status)
            case .permissionRequest: .agent(permissionRoutes.request)
            case .permissionValidate: .agent(permissionRoutes.validate)
            case .events: .agent(hub.open)
            case .callInitiate: .agent(callRoutes.initiate)
            case .callAnswer: .agent(callRoutes.answer)
            case .callReject: .agent(callRoutes.reject)
            case .callEnd: .agent(callRoutes.end)
            case .callDtmf: .agent(callRoutes.dtmf)
            case .callMute: .agent(callRoutes.mute)
            case .callEngagement: .agent(callRoutes.engagement)
            case .callCompleted: .agent(callRoutes.completed)
            case .callStatus: .agent(callRoutes.status)
            case .callRecent: .agent(callRoutes.recent)
            }
        }
        widget = WidgetServer(http: config.http, dev: config.dev, boxName: config.box.name,
                              businessNumber: link.business.map { "+\($0)" })
    }
}
