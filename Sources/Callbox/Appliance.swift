import CallCore
import Config
import Glibc
import Journal
import Runtime

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
    private let media: MediaAssembly
    private let link: GraphLink
    private let crm: CRMAssembly
    private let events: LiveEvents
    private let calls: CallsAssembly
    private let messaging: MessagingAssembly
    private let api: APIAssembly
    private let dev: DevRoutes
    private var server: HTTPServer?
    private var signals: SignalWatcher?
    private var stopping = false

    /// The loop and the journal, then each concern in the order it needs the others
    /// (`Wiring/`): media, the link to Meta, HubSpot, live events, calls, messaging, the API.
    public init(config: LoadedConfig) throws {
        // Before the media and audio threads exist, so they inherit the mask.
        SignalWatcher.block()
        self.config = config
        try Self.makeDirectory(config.box.dataDirectory)
        journal = try Journal(directory: config.box.dataDirectory)
        media = try MediaAssembly(config: config, loop: loop)
        link = GraphLink(config: config, loop: loop, media: media)
        crm = CRMAssembly(config: config, journal: journal, link: link, loop: loop, metrics: metrics)
        events = LiveEvents(journal: journal, loop: loop)
        calls = try CallsAssembly(config: config, journal: journal, link: link, crm: crm, events: events, media: media, loop: loop)
        messaging = MessagingAssembly(config: config, journal: journal, link: link, crm: crm, calls: calls, events: events,
                                      loop: loop, metrics: metrics)
        api = try APIAssembly(config: config, journal: journal, link: link, crm: crm, calls: calls, messaging: messaging,
                              events: events, loop: loop)
        dev = DevRoutes(sandbox: link.sandbox,
                        calls: config.dev.callControl ? DevCallControl(commands: calls.commands, journal: journal) : nil)
        BoxMetrics.register(on: metrics, journal: journal, crm: crm, events: events, calls: calls, messaging: messaging,
                            api: api, link: link)
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit status. SIGHUP never stops it:
    /// under `Restart=on-failure` a box that exited 0 on a stray hang-up would stay down.
    public func run() throws -> Int32 {
        signals = SignalWatcher(loop: loop) { [weak self] signal in
            if signal == SIGHUP { self?.reload() } else { self?.stop(signal: signal) }
        }
        try calls.controller.recover()
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
        metrics.gauge("callbox_http_connections", "Open HTTP connections.") { [weak self] in
            [(labels: [], value: Double(self?.server?.openConnections ?? 0))]
        }
        server = try HTTPServer(loop: loop, options: HTTPServerOptions(
            host: http.listen.host, port: http.listen.port, maxBodyBytes: http.maxBody,
            connections: ConnectionPolicy(reservedFor: { address in webhookSources.contains { $0.contains(address) } },
                                          isProxy: { address in proxies.contains { $0.contains(address) } }),
            tlsCertificatePEM: tlsCertificate, tlsKeyPEM: tlsKey),
            onRefusal: { [refusedConnections] in refusedConnections.increment($0.rawValue) }) { [weak self] request, responder in
            self?.route(request, responder)
        }
        api.widget.port = Int(server?.port ?? 0)
        loop.addPreparation { [messaging] in messaging.intake.commitBatch() }
        messaging.inbox.rescan()
        if let outboxWorker = crm.outboxWorker {
            outboxWorker.start()
        } else {
            log.notice("HubSpot is not configured (no hubspot_access_token secret): calls and messages are not logged to HubSpot")
        }
        scheduleHousekeeping()
        pruneJournal()
        log.notice("Callbox listening", ["name": config.box.name, "listen": "\(http.listen.host):\(server?.port ?? 0)",
                                         "tls": http.tls == nil ? "off" : "on",
                                         "graph": link.sandbox == nil ? "meta" : "sandbox", "config": config.source])
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
        crm.outboxWorker?.stop()
        server?.shutDown { [weak self] in self?.finishStopping(waited: 0) }
    }

    private func finishStopping(waited: Int64) {
        if (link.httpClient?.transfersInFlight ?? 0) > 0 && waited < Self.shutdownGraceMilliseconds {
            loop.schedule(afterMilliseconds: 50) { [weak self] in self?.finishStopping(waited: waited + 50) }
            return
        }
        media.engine.shutDown()
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
            self.messaging.inbox.rescan()
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
        if let response = api.widget.widget(request) ?? api.widget.simulator(request) ?? dev.route(request) {
            responder.respond(response)
            return
        }
        switch (request.method, request.path) {
        case ("GET", "/webhook"):
            responder.respond(messaging.intake.verify(request))
        case ("POST", "/webhook"):
            messaging.intake.receive(request, responder)
        case ("GET", "/healthz"):
            responder.respond(health())
        case ("GET", "/metrics"):
            responder.respond(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                           body: Array(metrics.render().utf8)))
        case (_, let path) where path.hasPrefix("/api/"):
            api.router.route(request, responder)
        case (_, "/webhook"), (_, "/healthz"), (_, "/metrics"):
            responder.respond(ErrorBody.response(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path)"))
        default:
            responder.respond(ErrorBody.response(404, "not_found", "no route for \(request.method) \(request.path)"))
        }
    }

    private func health() -> HTTPResponse {
        do {
            let counts = try journal.inbox.counts()
            let budget = messaging.budget
            budget.refresh()
            // A journal at its budget refuses webhooks: that is a box needing an operator.
            return .json(budget.level == .full ? 503 : 200, JSONWriter.encode([
                "status": budget.level == .full ? "journal_full" : "ok", "name": .string(config.box.name),
                "live_calls": .integer(Int64(calls.controller.table.liveCount)), "inbox_pending": .integer(Int64(counts.pending)),
                "journal": .string(budget.level.rawValue), "journal_bytes": .integer(budget.usedBytes),
                "journal_limit_bytes": .integer(budget.limitBytes),
            ]))
        } catch {
            return ErrorBody.response(503, "journal_unavailable", "\(error)")
        }
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
