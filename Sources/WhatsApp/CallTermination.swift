/// What a `terminate` call event says about how the call ended (spec §2.5).
public struct CallTermination: Sendable, Equatable {
    /// Meta sends a string or an array (`["Failed","Completed"]`), in any case; all are kept.
    public var outcomes: Set<CallOutcome>
    /// Present only when the call was picked up.
    public var startTime: Int64?
    public var endTime: Int64?
    /// Seconds, present only when the call was picked up.
    public var duration: Int64?
    /// The call's errors (`CallWebhook.errors`), which decide FAILED for an ambiguous status.
    public var errors: [MetaError]

    public init(outcomes: Set<CallOutcome>, startTime: Int64? = nil, endTime: Int64? = nil, duration: Int64? = nil, errors: [MetaError] = []) {
        self.outcomes = outcomes
        self.startTime = startTime
        self.endTime = endTime
        self.duration = duration
        self.errors = errors
    }

    /// One word for how the call ended. Meta's docs send several at once (`["Failed","Completed"]`);
    /// then errors mean FAILED and none mean COMPLETED (spec §11.3). A single word stands as sent.
    public var resolved: CallOutcome {
        if outcomes.count == 1, let only = outcomes.first { return only }
        if outcomes.contains(.failed), !errors.isEmpty { return .failed }
        if outcomes.contains(.completed) { return .completed }
        if outcomes.contains(.rejected) { return .rejected }
        return errors.isEmpty ? .completed : .failed
    }

    static func decode(_ call: FieldReader, errors: [MetaError]) throws(WebhookDecodeError) -> CallTermination {
        var outcomes: Set<CallOutcome> = []
        let status = call["status"]
        switch status.value {
        case .string(let text)?:
            // Meta's reference writes `[FAILED | COMPLETED]` as text (spec §11.3).
            for word in text.split(whereSeparator: { "[]| ,".contains($0) }) { outcomes.insert(CallOutcome(String(word))) }
        case .array?:
            for element in try status.elements() { outcomes.insert(CallOutcome(try element.string())) }
        case nil, .null?:
            break
        default:
            throw status.failure("expected a string or an array of strings")
        }
        return CallTermination(
            outcomes: outcomes,
            startTime: try call["start_time"].optionalInteger(),
            endTime: try call["end_time"].optionalInteger(),
            duration: try call["duration"].optionalInteger(),
            errors: errors)
    }
}

/// One terminate status word, compared case-insensitively.
public enum CallOutcome: Sendable, Hashable {
    case completed
    case failed
    case rejected
    /// Anything else, upper-cased.
    case other(String)

    public init(_ text: String) {
        switch text.uppercased() {
        case "COMPLETED": self = .completed
        case "FAILED": self = .failed
        case "REJECTED": self = .rejected
        case let other: self = .other(other)
        }
    }
}
