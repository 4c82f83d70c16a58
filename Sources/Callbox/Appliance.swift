import CallCore
import Config
import Glibc
import HubSpot
import Journal
import Media
import Runtime
import WhatsApp

/// The running box: everything wired onto one event loop (DESIGN §3, principle 4).
public final class Appliance {
    /// Deliveries left pending (a failed commit, a `callbox journal reprocess`) are picked up
    /// this often even when no new webhook arrives.
    static let inboxRescanMilliseconds: Int64 = 5_000
    /// Meta redelivers for up to 7 days; dedup keys and statuses still waiting for their
    /// message are pruned once an hour past that, with agents' expired sessions.
    static let journalPruneMilliseconds: Int64 = 3_600_000
    /// On SIGTERM, Graph requests in flight get this long to finish before the box exits.
    static let shutdownGraceMilliseconds: Int64 = 5_000

    private let config: LoadedConfig
    private let loop = EventLoop()
    private let metrics = Metrics()
    private let log = Logger("box")
    private let journal: Journal
    /// libcurl on the loop, one multi handle for Meta's Graph API and HubSpot's CRM API; nil
    /// when neither is used (the sandbox without a HubSpot token).
    private let httpClient: HTTPClient?
    private let graph: GraphClient
    private let sandbox: SandboxGraph?
    private let calls: CallController
    /// Who a phone number is in HubSpot; "no match" for everyone without a HubSpot token.
    private let contacts: ContactDirectory
    private let router: IncomingCallRouter
    private let intake: WebhookIntake
    private let inbox: InboxProcessor
    /// Call permissions, for the call controller, the inbox and `PermissionEndpoints` (`/api/permissions/…`).
    let permissions: CallPermissions
    private var devCalls: DevCallControl?
    private let agents: AgentAuthentication
    private let messaging: WhatsAppMessaging
    private let api: ApiRouter
    /// The widgets' live event streams (`/api/events`) and what feeds them about calls.
    private let events: EventHub
    private let callFeed: CallEventFeed
    private let callCommands: CallCommands
    private let widget: WidgetServer
    private let media: MediaEngine
    /// HubSpot's CRM API and the worker delivering the outbox to it; nil when no
    /// `hubspot_access_token` is configured.
    private let hubSpot: HubSpotAPI?
    private let outboxWorker: OutboxWorker?
    private var handset: HandsetController?
    private var server: HTTPServer?
    private var signals: SignalWatcher?
    private let budget: JournalBudget
    private var stopping = false

    public init(config: LoadedConfig) throws {
        // Before the media and audio threads exist, so they inherit the mask.
        SignalWatcher.block()
        self.config = config
        try Self.makeDirectory(config.box.dataDirectory)
        journal = try Journal(directory: config.box.dataDirectory)

        let secrets = config.secrets
        let number = BusinessNumber(graphVersion: config.whatsapp.graphVersion,
                                    phoneNumberID: config.whatsapp.phoneNumberID ?? SandboxIdentity.phoneNumberID)
        let usesMeta = if case .url = config.whatsapp.graph { true } else { false }
        httpClient = usesMeta || secrets.hubspotAccessToken != nil ? HTTPClient(loop: loop) : nil
        let transport: GraphTransport
        let baseURL: String
        switch config.whatsapp.graph {
        case .sandbox:
            let box = SandboxGraph(loop: loop, webhookURL: Self.localURL(config) + "/webhook",
                                   appSecret: secrets.whatsappAppSecret.revealed, phoneNumberID: number.phoneNumberID,
                                   businessNumber: config.whatsapp.businessNumber ?? SandboxIdentity.businessNumber)
            sandbox = box
            transport = box
            baseURL = SandboxGraph.baseURL
        case let .url(url):
            sandbox = nil
            // Made above for every real Graph URL.
            transport = httpClient!
            baseURL = url.description
        }
        graph = GraphClient(transport: transport, baseURL: baseURL, accessToken: secrets.whatsappAccessToken.revealed)

        let policy = CallPolicy(maxCalls: config.box.maxCalls, ringTimeout: config.routing.ringTimeout)
        calls = CallController(policy: policy, journal: journal, graph: graph, number: number, loop: loop)
        var hubspot: HubSpotAPI?
        if let token = secrets.hubspotAccessToken, let httpClient {
            hubspot = HubSpotAPI(transport: httpClient, baseURL: config.hubspot.apiURL.description, accessToken: token.revealed)
        }
        self.hubSpot = hubspot
        contacts = ContactDirectory(contacts: hubspot.map { HubSpotContacts(api: $0) })
        router = IncomingCallRouter(directory: contacts, agentsByOwner: IncomingCallRouter.agentsByOwner(config.agents),
                                    ownerFirst: config.routing.ownerFirst, handset: config.routing.handset,
                                    journal: journal, calls: calls, loop: loop)
        calls.router = router
        budget = JournalBudget(journal: journal, limitBytes: config.box.maxDatabaseSize)
        intake = WebhookIntake(journal: journal, budget: budget, appSecret: secrets.whatsappAppSecret.revealed,
                               verifyToken: secrets.whatsappVerifyToken.revealed, metrics: metrics)
        // Without a phone_number_id (a number not registered yet) nothing can be sent, and
        // deliveries are not filtered by a number the box does not know.
        let sendingNumber = config.whatsapp.phoneNumberID != nil || sandbox != nil ? number : nil
        let business = PhoneNumber(config.whatsapp.businessNumber ?? SandboxIdentity.businessNumber)
        inbox = InboxProcessor(journal: journal, calls: calls, phoneNumberID: sendingNumber?.phoneNumberID, businessNumber: business,
                               loop: loop, metrics: metrics)
        agents = AgentAuthentication(journal: journal, agents: config.agents, secureCookie: config.http.tls != nil, loop: loop,
                                     publicOrigin: config.http.publicURL.map(WidgetServer.origin(of:)),
                                     clientAddress: ClientAddress(trustedProxies: config.http.trustedProxies))
        try agents.syncAgents()
        messaging = WhatsAppMessaging(journal: journal, graph: graph, number: sendingNumber)
        permissions = CallPermissions(settings: config.permissions, journal: journal,
                                      graph: sendingNumber == nil ? nil : graph, number: number)
        calls.permissions = permissions
        inbox.permissions = permissions
        let permissionRoutes = PermissionEndpoints(permissions: permissions)
        events = EventHub(loop: loop)
        let agentNames = config.agents.map(\.name)
        callFeed = CallEventFeed(hub: events, calls: calls, journal: journal, loop: loop, agentNames: agentNames,
                                 ringTimeout: config.routing.ringTimeout)
        callCommands = CallCommands(calls: calls, businessNumber: business)
        let callRoutes = CallsEndpoints(calls: calls, commands: callCommands, feed: callFeed, journal: journal, agentNames: agentNames)
        api = ApiRouter(authentication: agents) { [agents, messaging, events] endpoint in
            switch endpoint {
            case .login: .open(agents.login)
            case .logout: .agent(agents.logout)
            case .me: .agent(agents.me)
            case .whatsappSend: .agent(messaging.send)
            case .comms: .agent(messaging.conversation)
            case .permissionStatus: .agent(permissionRoutes.status)
            case .permissionRequest: .agent(permissionRoutes.request)
            case .permissionValidate: .agent(permissionRoutes.validate)
            case .events: .agent(events.open)
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
        calls.onStateChange = { [callFeed] in
            callFeed.stateChanged($0)
            callRoutes.stateChanged($0)
        }
        calls.onRemoteAnswer = { [callFeed] in callFeed.remoteAnswer($0, sdp: $1) }
        router.onRouted = { [callFeed] in callFeed.routed($0, schedule: $1, contact: $2) }
        agents.onSignOut = { [events] in events.endSession(tokenHash: $0) }
        events.sessionIsLive = { [journal] hash in
            // A journal that cannot be read ends no stream; the next heartbeat asks again.
            do {
                return try journal.agentSessions.session(tokenHash: hash, at: Instant(unixMilliseconds: WallClock.milliseconds())) != nil
            } catch {
                return true
            }
        }
        widget = WidgetServer(http: config.http, dev: config.dev, boxName: config.box.name,
                              businessNumber: business.map { "+\($0)" })
        let linker = CommsContactLinker(directory: contacts, journal: journal, loop: loop)
        let messageFeed = MessageEventFeed(hub: events, journal: journal)
        inbox.onMessageStored = {
            linker.link(wamid: $0, phone: $1)
            messageFeed.stored(wamid: $0)
        }
        inbox.onStatusApplied = { messageFeed.status(wamid: $0, status: $1) }
        messaging.onSent = { wamid, phone, contactID in
            messageFeed.stored(wamid: wamid)
            if contactID == nil, let phone { linker.link(wamid: wamid, phone: phone) }
        }
        permissions.onChange = { messageFeed.permissionChanged(contactKey: $0, phone: $1, record: $2, change: $3) }
        // "Signed in" for ringing is a widget listening: an agent with an open event stream.
        router.signedInAgents = { [events] in events.watchingAgents }
        if let hubspot {
            let hubSpotLog = HubSpotLog(journal: journal, agentOwnerIDs: config.agents.map(\.hubspotOwnerID),
                                        logMessages: config.hubspot.logMessages)
            let widgetLog = WidgetCallLog(journal: journal) { Instant(unixMilliseconds: WallClock.milliseconds()) }
            hubSpotLog.widget = widgetLog
            callRoutes.widgetLog = widgetLog
            calls.hubSpotLog = hubSpotLog
            inbox.hubSpotLog = hubSpotLog
            messaging.hubSpotLog = hubSpotLog
            let worker = OutboxWorker(journal: journal, writer: CRMWriter(api: hubspot), loop: loop, metrics: metrics)
            worker.resolveContact = { [contacts] phone, completion in
                guard let number = PhoneNumber(phone) else {
                    completion(.success(OutboxWorker.ResolvedContact(contactID: nil, ownerID: nil)))
                    return
                }
                contacts.lookup(number) { completion(OutboxWorker.ResolvedContact.from($0)) }
            }
            outboxWorker = worker
        } else {
            outboxWorker = nil
        }
        let certificate = try DtlsCertificate.loadOrCreate(directory: config.box.dataDirectory)
        let addresses = config.media.addresses.isEmpty
            ? IceCandidateGatherer.interfaceAddresses()
            : config.media.addresses.compactMap { SocketAddress(ipText: $0, port: 0) }
        var mediaEvents: ((MediaEvent) -> Void)?
        media = MediaEngine(certificate: certificate, addresses: addresses, loop: loop) { mediaEvents?($0) }
        if let board = config.board, let business {
            let controller = try HandsetController(board: board, business: business,
                                                   calls: calls, journal: journal, media: media, loop: loop)
            handset = controller
            calls.handset = controller
            callCommands.handset = controller
            router.handset = controller
        }
        mediaEvents = { [weak self] event in
            self?.handset?.mediaEvent(event)
            self?.sandbox?.phone?.mediaEvent(event)
        }
        sandbox?.phone = SandboxPhone(media: media, dataDirectory: config.box.dataDirectory)
        if config.dev.callControl {
            devCalls = DevCallControl(commands: callCommands, journal: journal)
        }
        registerMetrics()
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit status. SIGHUP never stops it:
    /// under `Restart=on-failure` a box that exited 0 on a stray hang-up would stay down.
    public func run() throws -> Int32 {
        signals = SignalWatcher(loop: loop) { [weak self] signal in
            if signal == SIGHUP { self?.reload() } else { self?.stop(signal: signal) }
        }
        try calls.recover()
        let http = config.http
        var tlsCertificate: String?
        var tlsKey: String?
        if let tls = http.tls {
            tlsCertificate = try Self.readText(tls.certificate)
            tlsKey = try Self.readText(tls.key)
        }
        let webhookSources = http.webhookSources, proxies = http.trustedProxies
        let refusedConnections = metrics.counter("callbox_http_connections_refused_total",
                                                 "Connections turned away at accept, or cut because their request did not arrive in time.",
                                                 labels: ["reason"])
        for reason in ConnectionRefusal.allCases { refusedConnections.increment(reason.rawValue, by: 0) }
        server = try HTTPServer(loop: loop, options: HTTPServerOptions(
            host: http.listen.host, port: http.listen.port, maxBodyBytes: http.maxBody,
            connections: ConnectionPolicy(reservedFor: { address in webhookSources.contains { $0.contains(address) } },
                                          isProxy: { address in proxies.contains { $0.contains(address) } }),
            tlsCertificatePEM: tlsCertificate, tlsKeyPEM: tlsKey),
            onRefusal: { [refusedConnections] in refusedConnections.increment($0.rawValue) }) { [weak self] request, responder in
            self?.route(request, responder)
        }
        widget.port = Int(server?.port ?? 0)
        intake.onCommitted = { [weak self] in self?.inbox.enqueue($0) }
        loop.addPreparation { [weak self] in self?.intake.commitBatch() }
        inbox.rescan()
        if let outboxWorker {
            outboxWorker.start()
        } else {
            log.notice("HubSpot is not configured (no hubspot_access_token secret): calls and messages are not logged to HubSpot")
        }
        scheduleHousekeeping()
        pruneJournal()
        log.notice("Callbox listening", ["name": config.box.name, "listen": "\(http.listen.host):\(server?.port ?? 0)",
                                         "tls": http.tls == nil ? "off" : "on",
                                         "graph": sandbox == nil ? "meta" : "sandbox", "config": config.source])
        loop.run()
        log.notice("Callbox stopped cleanly")
        return 0
    }

    /// SIGHUP: nothing is re-read yet (the certificate reload comes with the installer's
    /// issue), so the operator is told what a restart would apply.
    private func reload() {
        log.notice("SIGHUP received: the box keeps running; restart the service to apply a changed config or certificate",
                   ["config": config.source])
    }

    private func stop(signal: Int32) {
        guard !stopping else { return }
        stopping = true
        log.notice("stopping: no new connections; finishing requests in flight", ["signal": "\(signal)"])
        outboxWorker?.stop()
        server?.shutDown { [weak self] in self?.finishStopping(waited: 0) }
    }

    private func finishStopping(waited: Int64) {
        if (httpClient?.transfersInFlight ?? 0) > 0 && waited < Self.shutdownGraceMilliseconds {
            loop.schedule(afterMilliseconds: 50) { [weak self] in self?.finishStopping(waited: waited + 50) }
            return
        }
        media.shutDown()
        do {
            try journal.close()
        } catch {
            log.error("journal close failed", ["error": "\(error)"])
        }
        loop.stop()
    }

    private func scheduleHousekeeping() {
        loop.schedule(afterMilliseconds: Self.inboxRescanMilliseconds) { [weak self] in
            guard let self, !self.stopping else { return }
            self.inbox.rescan()
            self.scheduleHousekeeping()
        }
    }

    /// Forgets what Meta can no longer redeliver: dedup keys, statuses whose message never
    /// arrived, and the bodies of deliveries processed (whatsapp-cloud-api.md §1.3: retries stop
    /// after 7 days), so the journal stops growing with every webhook.
    private func pruneJournal() {
        guard !stopping else { return }
        let now = Instant(unixMilliseconds: WallClock.milliseconds())
        do {
            let keys = try journal.eventKeys.prune(now: now)
            let statuses = try journal.comms.pruneStatusBacklog(receivedBefore: now - EventKeys.retention)
            let sessions = try journal.agentSessions.pruneExpired(at: now)
            let deliveries = try journal.inbox.pruneProcessed(before: now - Inbox.processedRetention)
            if keys + statuses + sessions + deliveries > 0 {
                log.info("journal pruned", ["event_keys": "\(keys)", "held_statuses": "\(statuses)", "expired_sessions": "\(sessions)",
                                            "processed_deliveries": "\(deliveries)"])
            }
        } catch {
            log.error("journal pruning failed; retried next hour", ["error": "\(error)"])
        }
        loop.schedule(afterMilliseconds: Self.journalPruneMilliseconds) { [weak self] in self?.pruneJournal() }
    }

    // MARK: routes

    private func route(_ request: HTTPRequest, _ responder: HTTPResponder) {
        if let response = widget.widget(request) ?? widget.simulator(request) {
            responder.respond(response)
            return
        }
        switch (request.method, request.path) {
        case ("GET", "/webhook"):
            responder.respond(intake.verify(request))
        case ("POST", "/webhook"):
            intake.receive(request, responder)
        case ("GET", "/healthz"):
            responder.respond(health())
        case ("GET", "/metrics"):
            responder.respond(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                           body: Array(metrics.render().utf8)))
        case (_, let path) where path.hasPrefix("/api/"):
            api.route(request, responder)
        case ("GET", "/dev/sandbox") where sandbox != nil:
            responder.respond(.json(200, JSONWriter.encode(["requests": .array(sandbox?.recent ?? [])])))
        case ("POST", "/dev/sandbox/incoming-call") where sandbox != nil:
            responder.respond(sandboxIncomingCall(request))
        case ("POST", "/dev/sandbox/permission-reply") where sandbox != nil:
            responder.respond(sandboxPermissionReply(request))
        // Off, `/dev/…` is as unknown as any path: a stranger learns nothing of the feature.
        case (_, let path) where devCalls != nil && (path.hasPrefix("/dev/calls/") || path == "/dev/calls/dial"):
            guard let devCalls else { return }
            guard DevCallControl.allows(request) else {
                responder.respond(ErrorBody.response(403, "forbidden", "call control answers loopback clients only"))
                return
            }
            responder.respond(devCalls.route(request))
        case (_, "/webhook"), (_, "/healthz"), (_, "/metrics"):
            responder.respond(ErrorBody.response(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path)"))
        default:
            responder.respond(ErrorBody.response(404, "not_found", "no route for \(request.method) \(request.path)"))
        }
    }

    /// The sandbox's WhatsApp user calls the business (`callbox simulate incoming-call`).
    private func sandboxIncomingCall(_ request: HTTPRequest) -> HTTPResponse {
        guard DevCallControl.allows(request), let sandbox else {
            return ErrorBody.response(403, "forbidden", "the sandbox answers loopback clients only")
        }
        let body = (try? JSONParser.parse(request.body)) ?? .object([])
        guard let caller = PhoneNumber(body["from"]?.string ?? SandboxIdentity.caller) else {
            return ErrorBody.response(400, "bad_number", "'from' must be a phone number")
        }
        let id = sandbox.placeIncomingCall(from: caller.description, name: body["name"]?.string ?? "Sandbox User")
        return .json(200, JSONWriter.encode(["call": .string(id)]))
    }

    /// The sandbox's WhatsApp user answers a permission request (`callbox simulate permission-reply`).
    private func sandboxPermissionReply(_ request: HTTPRequest) -> HTTPResponse {
        guard DevCallControl.allows(request), let sandbox else {
            return ErrorBody.response(403, "forbidden", "the sandbox answers loopback clients only")
        }
        let body = (try? JSONParser.parse(request.body)) ?? .object([])
        guard let user = PhoneNumber(body["from"]?.string ?? SandboxIdentity.caller) else {
            return ErrorBody.response(400, "bad_number", "'from' must be a phone number")
        }
        guard let response = body["response"]?.string, response == "accept" || response == "reject" else {
            return ErrorBody.response(400, "bad_response", "'response' is accept or reject")
        }
        sandbox.replyToPermissionRequest(from: user.description, accept: response == "accept",
                                         permanent: body["permanent"]?.bool ?? false, requestID: nil)
        return .json(200, JSONWriter.encode(["from": .string(user.description), "response": .string(response)]))
    }

    private func health() -> HTTPResponse {
        do {
            let counts = try journal.inbox.counts()
            budget.refresh()
            // A journal at its budget refuses webhooks: that is a box needing an operator.
            return .json(budget.level == .full ? 503 : 200, JSONWriter.encode([
                "status": budget.level == .full ? "journal_full" : "ok", "name": .string(config.box.name),
                "live_calls": .integer(Int64(calls.table.liveCount)), "inbox_pending": .integer(Int64(counts.pending)),
                "journal": .string(budget.level.rawValue), "journal_bytes": .integer(budget.usedBytes),
                "journal_limit_bytes": .integer(budget.limitBytes),
            ]))
        } catch {
            return ErrorBody.response(503, "journal_unavailable", "\(error)")
        }
    }

    // MARK: metrics

    private func registerMetrics() {
        metrics.gauge("callbox_journal_bytes", "Bytes the journal's pages hold (free pages left out).", labels: []) { [budget] in
            budget.refresh()
            return [(labels: [], value: Double(budget.usedBytes))]
        }
        metrics.gauge("callbox_journal_limit_bytes", "[box] max_database_size: webhooks are refused with 503 at it.", labels: []) { [budget] in
            [(labels: [], value: Double(budget.limitBytes))]
        }
        metrics.gauge("callbox_calls", "Calls in each live state now.", labels: ["state"]) { [calls] in
            CallState.Name.allCases.filter { !$0.isTerminal }.map { (labels: [$0.rawValue], value: Double(calls.table.counters.calls(in: $0))) }
        }
        metrics.gauge("callbox_calls_finished", "Calls finished since start, by final state.", labels: ["state"]) { [calls] in
            CallState.Name.allCases.filter(\.isTerminal).map { (labels: [$0.rawValue], value: Double(calls.table.counters.calls(in: $0))) }
        }
        metrics.gauge("callbox_call_refusals", "Call events refused since start, by reason.", labels: ["reason"]) { [calls] in
            RefusalReason.allCases.map { (labels: [$0.rawValue], value: Double(calls.table.counters.refusals($0))) }
        }
        let graphRequests = metrics.counter("callbox_graph_requests_total", "Graph API requests by outcome.", labels: ["outcome"])
        for outcome in GraphClient.metricOutcomes { graphRequests.increment(outcome, by: 0) }
        graph.onOutcome = { graphRequests.increment($0) }
        let signIns = metrics.counter("callbox_sign_ins_total", "Agents' sign-in attempts by outcome.", labels: ["outcome"])
        for outcome in AgentAuthentication.signInOutcomes { signIns.increment(outcome, by: 0) }
        agents.onSignIn = { signIns.increment($0) }
        metrics.histogram("callbox_journal_commit_seconds", "Time to commit a journal transaction (fsync included).") { [journal] in
            let histogram = journal.commitLatency
            return HistogramSnapshot(upperBounds: CommitLatencyHistogram.upperBoundsMilliseconds.map { $0 / 1_000 },
                                     counts: Array(histogram.bucketCounts.prefix(CommitLatencyHistogram.upperBoundsMilliseconds.count)),
                                     count: histogram.count, sum: histogram.sumMilliseconds / 1_000)
        }
        metrics.gauge("callbox_inbox_deliveries", "Webhook deliveries in the inbox, by state.", labels: ["state"]) { [journal] in
            guard let counts = try? journal.inbox.counts() else { return [] }
            return [(["pending"], Double(counts.pending)), (["processed"], Double(counts.processed)),
                    (["undecodable"], Double(counts.undecodable)), (["failed"], Double(counts.failed))]
        }
        registerOutboxMetrics()
        metrics.gauge("callbox_http_connections", "Open HTTP connections.") { [weak self] in
            [(labels: [], value: Double(self?.server?.openConnections ?? 0))]
        }

        metrics.gauge("callbox_event_streams", "Widgets' open live event streams (/api/events).") { [events] in
            [(labels: [], value: Double(events.openStreams))]
        }
    }

    private func registerOutboxMetrics() {
        metrics.gauge("callbox_outbox_items", "HubSpot writes in the outbox, by state.", labels: ["state"]) { [journal] in
            guard let counts = try? journal.outbox.counts() else { return [] }
            return [(["pending"], Double(counts.pending)), (["delivered"], Double(counts.delivered)),
                    (["parked"], Double(counts.parked))]
        }
        metrics.gauge("callbox_outbox_oldest_pending_seconds", "Age of the oldest HubSpot write still waiting; 0 when none waits.") { [journal] in
            let oldest = (try? journal.outbox.oldestPendingCreatedAt()) ?? nil
            let age = oldest.map { max(0, WallClock.milliseconds() - $0.unixMilliseconds) } ?? 0
            return [(labels: [], value: Double(age) / 1_000)]
        }
        let requests = metrics.counter("callbox_hubspot_requests_total", "HubSpot CRM API requests by outcome.", labels: ["outcome"])
        for outcome in HubSpotAPI.metricOutcomes { requests.increment(outcome, by: 0) }
        hubSpot?.onOutcome = { requests.increment($0) }
    }

    // MARK: files

    /// How a process on this machine reaches the box (the sandbox's webhooks, `simulate`):
    /// the listen address, or loopback when it listens on every interface.
    public static func localURL(_ config: LoadedConfig) -> String {
        let listen = config.http.listen
        let host: String
        switch (listen.family, listen.host) {
        case (.ipv4, "0.0.0.0"): host = "127.0.0.1"
        case (.ipv6, "::"): host = "[::1]"
        case (.ipv6, let literal): host = "[\(literal)]"
        case (.ipv4, let literal): host = literal
        }
        return "\(config.http.tls == nil ? "http" : "https")://\(host):\(listen.port)"
    }

    static func makeDirectory(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o750) != 0 && errno != EEXIST {
                throw ApplianceError.cannotCreate(path: built, reason: String(cString: strerror(errno)))
            }
        }
    }

    static func readText(_ path: String) throws -> String {
        guard let bytes = FileContents.read(path) else {
            throw ApplianceError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

public enum ApplianceError: Error, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotRead(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): "cannot create \(path): \(reason)"
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        }
    }
}
