/// Prometheus text exposition (format 0.0.4) for `GET /metrics`. Families are declared
/// once at start with their help text; counters are bumped on the loop; gauges are read
/// when scraped, from whoever owns the number (the call table, the outbox).
public final class Metrics {
    public enum Kind: String { case counter, gauge, histogram }

    public final class Family {
        let name: String
        let help: String
        let kind: Kind
        fileprivate var samples: [[String]: Double] = [:]
        fileprivate let labelNames: [String]
        fileprivate var read: (() -> [(labels: [String], value: Double)])?
        fileprivate var readHistogram: (() -> HistogramSnapshot)?

        fileprivate init(name: String, help: String, kind: Kind, labelNames: [String]) {
            self.name = name
            self.help = help
            self.kind = kind
            self.labelNames = labelNames
        }

        public func increment(_ labels: String..., by amount: Double = 1) {
            samples[labels, default: 0] += amount
        }

        public func value(_ labels: String...) -> Double { samples[labels] ?? 0 }
    }

    private var families: [Family] = []

    public init() {}

    public func counter(_ name: String, _ help: String, labels: [String] = []) -> Family {
        let family = Family(name: name, help: help, kind: .counter, labelNames: labels)
        families.append(family)
        return family
    }

    public func gauge(_ name: String, _ help: String, labels: [String] = [],
                      read: @escaping () -> [(labels: [String], value: Double)]) {
        let family = Family(name: name, help: help, kind: .gauge, labelNames: labels)
        family.read = read
        families.append(family)
    }

    public func histogram(_ name: String, _ help: String, read: @escaping () -> HistogramSnapshot) {
        let family = Family(name: name, help: help, kind: .histogram, labelNames: [])
        family.readHistogram = read
        families.append(family)
    }

    public func render() -> String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            if let read = family.readHistogram {
                let snapshot = read()
                var cumulative: UInt64 = 0
                for (bound, count) in zip(snapshot.upperBounds, snapshot.counts) {
                    cumulative += count
                    text += "\(family.name)_bucket{le=\"\(Metrics.number(bound))\"} \(cumulative)\n"
                }
                text += "\(family.name)_bucket{le=\"+Inf\"} \(snapshot.count)\n"
                text += "\(family.name)_sum \(Metrics.number(snapshot.sum))\n\(family.name)_count \(snapshot.count)\n"
                continue
            }
            let rows: [(labels: [String], value: Double)] = family.read?()
                ?? family.samples.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { (labels: $0.key, value: $0.value) }
            for row in rows {
                text += "\(family.name)\(Metrics.labelText(family.labelNames, row.labels)) \(Metrics.number(row.value))\n"
            }
        }
        return text
    }

    static func labelText(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { name, value in
            var escaped = ""
            for character in value {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.append(character)
                }
            }
            return "\(name)=\"\(escaped)\""
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// A histogram as scraped: per-bucket (not cumulative) counts for each upper bound, plus
/// observations above the last bound only in `count`.
public struct HistogramSnapshot: Sendable {
    public var upperBounds: [Double]
    public var counts: [UInt64]
    public var count: UInt64
    public var sum: Double

    public init(upperBounds: [Double], counts: [UInt64], count: UInt64, sum: Double) {
        self.upperBounds = upperBounds
        self.counts = counts
        self.count = count
        self.sum = sum
    }
}
