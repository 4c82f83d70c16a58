import Runtime

/// The call record's quality JSON (Media's `CallQuality.json`) as one line a person reads on
/// the HubSpot timeline: loss, jitter, round trip and how much audio had to be concealed.
struct CallQualityLine {
    let text: String

    /// Nil when the JSON is unreadable or says nothing (no packets either way).
    init?(json: String) {
        guard let document = try? JSONParser.parse(json) else { return nil }
        let received = document["packets_received"]?.int64 ?? 0
        let lost = document["packets_lost"]?.int64 ?? 0
        let sent = document["packets_sent"]?.int64 ?? 0
        guard received + lost + sent > 0 else { return nil }
        var parts: [String] = []
        if received + lost > 0 {
            parts.append("\(Self.format(Double(max(lost, 0)) * 100 / Double(received + max(lost, 0))))% packets lost")
        }
        if let jitter = document["jitter_ms"]?.double { parts.append("jitter \(Self.format(jitter)) ms") }
        if let roundTrip = document["rtt_ms"]?.double { parts.append("round trip \(Self.format(roundTrip)) ms") }
        if let concealed = document["concealment_ratio"]?.double {
            parts.append("\(Self.format(concealed * 100))% of audio concealed")
        }
        text = parts.joined(separator: ", ")
    }

    /// One decimal, without a trailing `.0`.
    static func format(_ value: Double) -> String {
        var text = String(Double((value * 10).rounded()) / 10)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
