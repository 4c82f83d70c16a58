import Testing
@testable import Runtime

@Suite struct MetricsTests {
    @Test func rendersPrometheusTextFormat() {
        let metrics = Metrics()
        let webhooks = metrics.counter("callbox_webhooks_total", "Webhook deliveries by outcome.", labels: ["outcome"])
        webhooks.increment("accepted")
        webhooks.increment("accepted")
        webhooks.increment("rejected")
        metrics.gauge("callbox_calls", "Calls by state.", labels: ["state"]) { [(["ringing"], 1), (["active"], 0)] }
        metrics.histogram("callbox_journal_commit_seconds", "Journal commit latency.") {
            HistogramSnapshot(upperBounds: [0.001, 0.01], counts: [3, 1], count: 5, sum: 0.0625)
        }
        let text = metrics.render()
        #expect(text == """
        # HELP callbox_webhooks_total Webhook deliveries by outcome.
        # TYPE callbox_webhooks_total counter
        callbox_webhooks_total{outcome="accepted"} 2
        callbox_webhooks_total{outcome="rejected"} 1
        # HELP callbox_calls Calls by state.
        # TYPE callbox_calls gauge
        callbox_calls{state="ringing"} 1
        callbox_calls{state="active"} 0
        # HELP callbox_journal_commit_seconds Journal commit latency.
        # TYPE callbox_journal_commit_seconds histogram
        callbox_journal_commit_seconds_bucket{le="0.001"} 3
        callbox_journal_commit_seconds_bucket{le="0.01"} 4
        callbox_journal_commit_seconds_bucket{le="+Inf"} 5
        callbox_journal_commit_seconds_sum 0.0625
        callbox_journal_commit_seconds_count 5

        """)
    }

    @Test func escapesLabelValues() {
        #expect(Metrics.labelText(["reason"], ["a \"quoted\"\\path\n"]) == "{reason=\"a \\\"quoted\\\"\\\\path\\n\"}")
    }
}
