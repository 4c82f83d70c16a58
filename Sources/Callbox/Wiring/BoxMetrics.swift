import CallCore
import HubSpot
import Journal
import Runtime
import WhatsApp

/// `GET /metrics`: every family the box exposes, declared once at start. Gauges read their
/// owner's number when scraped; counters are bumped by their owner through the closure set
/// here. The HTTP server's own families are declared where it is made (`Appliance.run`).
enum BoxMetrics {
    static func register(on metrics: Metrics, journal: Journal, crm: CRMAssembly, events: LiveEvents, calls: CallsAssembly,
                         messaging: MessagingAssembly, api: APIAssembly, link: GraphLink) {
        let budget = messaging.budget, controller = calls.controller, hub = events.hub
        metrics.gauge("callbox_journal_bytes", "Bytes the journal's pages hold (free pages left out).", labels: []) { [budget] in
            budget.refresh()
            return [(labels: [], value: Double(budget.usedBytes))]
        }
        metrics.gauge("callbox_journal_limit_bytes", "[box] max_database_size: webhooks are refused with 503 at it.", labels: []) { [budget] in
            [(labels: [], value: Double(budget.limitBytes))]
        }
        metrics.gauge("callbox_calls", "Calls in each live state now.", labels: ["state"]) { [controller] in
            CallState.Name.allCases.filter { !$0.isTerminal }.map { (labels: [$0.rawValue], value: Double(controller.table.counters.calls(in: $0))) }
        }
        metrics.gauge("callbox_calls_finished", "Calls finished since start, by final state.", labels: ["state"]) { [controller] in
            CallState.Name.allCases.filter(\.isTerminal).map { (labels: [$0.rawValue], value: Double(controller.table.counters.calls(in: $0))) }
        }
        metrics.gauge("callbox_call_refusals", "Call events refused since start, by reason.", labels: ["reason"]) { [controller] in
            RefusalReason.allCases.map { (labels: [$0.rawValue], value: Double(controller.table.counters.refusals($0))) }
        }
        let graphRequests = metrics.counter("callbox_graph_requests_total", "Graph API requests by outcome.", labels: ["outcome"])
        for outcome in GraphClient.metricOutcomes { graphRequests.increment(outcome, by: 0) }
        link.graph.onOutcome = { graphRequests.increment($0) }
        let signIns = metrics.counter("callbox_sign_ins_total", "Agents' sign-in attempts by outcome.", labels: ["outcome"])
        for outcome in AgentAuthentication.signInOutcomes { signIns.increment(outcome, by: 0) }
        api.agents.onSignIn = { signIns.increment($0) }
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
        registerOutbox(on: metrics, journal: journal, crm: crm)

        metrics.gauge("callbox_event_streams", "Widgets' open live event streams (/api/events).") { [hub] in
            [(labels: [], value: Double(hub.openStreams))]
        }
    }

    private static func registerOutbox(on metrics: Metrics, journal: Journal, crm: CRMAssembly) {
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
        crm.api?.onOutcome = { requests.increment($0) }
    }
}
