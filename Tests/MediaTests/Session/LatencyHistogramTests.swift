import Testing
@testable import Media

@Suite struct LatencyHistogramTests {
    @Test func emptyHasNoQuantile() {
        let histogram = LatencyHistogram()
        #expect(histogram.quantileMicroseconds(0.5) == nil)
        #expect(histogram.summary == LatencySummary())
    }

    @Test func quantilesReadTheUpperEdgeOfTheirBucket() {
        let histogram = LatencyHistogram()
        for _ in 0..<98 { histogram.record(nanoseconds: 50_000) }
        histogram.record(nanoseconds: 3_250_000)
        histogram.record(nanoseconds: 3_250_000)
        #expect(histogram.quantileMicroseconds(0.5) == 100)
        #expect(histogram.quantileMicroseconds(0.98) == 100)
        #expect(histogram.quantileMicroseconds(0.99) == 3_300)
        #expect(histogram.summary == LatencySummary(p50Microseconds: 100, p99Microseconds: 3_300, count: 100))
    }

    @Test func stallsAndClockStepsStayInRange() {
        let histogram = LatencyHistogram()
        histogram.record(nanoseconds: 2_000_000_000)
        histogram.record(nanoseconds: -5)
        #expect(histogram.quantileMicroseconds(1) == 50_000)
        #expect(histogram.quantileMicroseconds(0.5) == 100)
    }

    @Test func callQualityCarriesTheHandsetsDelays() {
        var quality = CallQuality()
        quality.captureToSend = LatencySummary(p50Microseconds: 700, p99Microseconds: 1_000, count: 50)
        quality.audio.arrivalToRender = LatencySummary(p50Microseconds: 3_700, p99Microseconds: 4_900, count: 50)
        quality.audio.decode = LatencySummary(p50Microseconds: 100, p99Microseconds: 100, count: 50)
        #expect(!quality.json.contains("capture_to_wire_ms"))
        quality.handset = .init(capturePeriodMilliseconds: 20, playbackLeadMilliseconds: 20, offhookToFirstAudioMilliseconds: 61.5)
        let json = quality.json
        for field in ["\"capture_to_send_p50_ms\":0.7", "\"capture_to_send_p99_ms\":1", "\"capture_to_wire_ms\":20.7",
                      "\"arrival_to_render_p50_ms\":3.7", "\"decode_p50_ms\":0.1", "\"playback_lead_ms\":20",
                      "\"wire_to_playback_ms\":23.8", "\"offhook_to_first_audio_ms\":61.5"] {
            #expect(json.contains(field), "\(field) in \(json)")
        }
        quality.handset?.offhookToFirstAudioMilliseconds = nil
        #expect(quality.json.contains("\"offhook_to_first_audio_ms\":null"))
    }
}
