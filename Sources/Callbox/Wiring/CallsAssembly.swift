import CallCore
import Config
import Journal
import Runtime

/// Calls: the state machine's controller, call permissions as calls see them, who a ringing
/// call rings, the commands agents and the handset give, the widgets' call events, and the desk
/// handset when the box has a board.
struct CallsAssembly {
    let permissions: CallPermissions
    let controller: CallController
    let router: IncomingCallRouter
    let commands: CallCommands
    let feed: CallEventFeed
    let handset: HandsetController?

    init(config: LoadedConfig, journal: Journal, link: GraphLink, crm: CRMAssembly, events: LiveEvents,
         media: MediaAssembly, loop: EventLoop) throws {
        let messageEvents = events.messages
        permissions = CallPermissions(settings: config.permissions, journal: journal,
                                      graph: link.sendingNumber == nil ? nil : link.graph, number: link.number,
                                      onChange: { messageEvents.permissionChanged(contactKey: $0, phone: $1, record: $2, change: $3) })
        let policy = CallPolicy(maxCalls: config.box.maxCalls, ringTimeout: config.routing.ringTimeout)
        controller = CallController(policy: policy, journal: journal, graph: link.graph, number: link.number, loop: loop,
                                    permissions: permissions, hubSpotLog: crm.hubSpotLog)
        let hub = events.hub
        // "Signed in" for ringing is a widget listening: an agent with an open event stream.
        router = IncomingCallRouter(directory: crm.contacts, agentsByOwner: IncomingCallRouter.agentsByOwner(config.agents),
                                    ownerFirst: config.routing.ownerFirst, handset: config.routing.handset,
                                    journal: journal, calls: controller, loop: loop, signedInAgents: { hub.watchingAgents })
        commands = CallCommands(calls: controller, businessNumber: link.business)
        let feed = CallEventFeed(hub: hub, calls: controller, journal: journal, loop: loop, agentNames: config.agents.map(\.name),
                                 ringTimeout: config.routing.ringTimeout)
        self.feed = feed
        router.routed.subscribe { feed.routed($0.call, schedule: $0.schedule, contact: $0.contact) }
        // Late binding: the router places calls through the controller, and the controller
        // asks the router where each ringing call rings.
        controller.router = router
        if let board = config.board, let business = link.business {
            let handset = try HandsetController(board: board, business: business, calls: controller, journal: journal,
                                                media: media.engine, loop: loop)
            media.events.subscribe { [weak handset] in handset?.mediaEvent($0) }
            // Late binding: the handset drives calls through the controller, and the controller,
            // the router and the commands reach the handset (held weakly, it is owned here).
            controller.handset = handset
            commands.handset = handset
            router.handset = handset
            self.handset = handset
        } else {
            handset = nil
        }
    }
}
