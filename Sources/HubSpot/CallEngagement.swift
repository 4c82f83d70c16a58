import Runtime

/// A finished WhatsApp call as HubSpot logs it: a call engagement (spec §9.1–§9.2) made from
/// the box's call record. Kept in the outbox as JSON (`payload`) until it is delivered.
public struct CallEngagement: Equatable, Sendable {
    public enum Direction: String, Sendable {
        case inbound, outbound
    }

    /// The call record's outcomes (CallCore's `CallOutcome`).
    public enum Outcome: String, Sendable {
        case completed, missed, rejected, failed, busy
    }

    /// Meta's `wacid`, or the box's local key for an outbound call Meta never numbered.
    public var callID: String
    public var direction: Direction
    public var outcome: Outcome
    /// Digits, no `+`.
    public var remoteNumber: String
    public var businessNumber: String
    /// When the call was offered (Unix ms): its place on the timeline.
    public var offeredAtMilliseconds: Int64
    /// Talk time in ms, zero when never answered.
    public var durationMilliseconds: Int64
    /// `handset`, `browser:N` or `api`.
    public var answeredBy: String?
    /// The answering agent's HubSpot owner id, when the agent has one.
    public var answeringOwnerID: String?
    public var endReason: String?
    /// The call record's `quality` JSON, when the box carried the media.
    public var quality: String?

    public init(callID: String, direction: Direction, outcome: Outcome, remoteNumber: String, businessNumber: String,
                offeredAtMilliseconds: Int64, durationMilliseconds: Int64, answeredBy: String? = nil,
                answeringOwnerID: String? = nil, endReason: String? = nil, quality: String? = nil) {
        self.callID = callID
        self.direction = direction
        self.outcome = outcome
        self.remoteNumber = remoteNumber
        self.businessNumber = businessNumber
        self.offeredAtMilliseconds = offeredAtMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.answeredBy = answeredBy
        self.answeringOwnerID = answeringOwnerID
        self.endReason = endReason
        self.quality = quality
    }

    // MARK: HubSpot properties

    /// Default call outcomes (spec §9.2, HubSpot calls guide); portals may add their own.
    public enum Disposition {
        public static let connected = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
        public static let noAnswer = "73a0d17f-1163-4015-bdd5-ec830791da20"
        public static let busy = "9d9162e7-6cf3-4944-bf63-4dff82258764"
    }

    /// `hs_call_status` has no "declined": a WhatsApp user declining our call is what a busy
    /// signal tells a caller (the callee is not taking calls now), so it is BUSY; a call the
    /// business declined was ended on our side before it connected, so it is CANCELED. A
    /// failure (network, Meta) is FAILED; a missed call is NO_ANSWER.
    public var hubSpotStatus: String {
        switch (outcome, direction) {
        case (.completed, _): "COMPLETED"
        case (.missed, _): "NO_ANSWER"
        case (.rejected, .outbound), (.busy, _): "BUSY"
        case (.rejected, .inbound): "CANCELED"
        case (.failed, _): "FAILED"
        }
    }

    /// The default outcome matching the status; nil where none of them fits (a technical
    /// failure, a call we declined), so HubSpot shows no outcome rather than a wrong one.
    public var disposition: String? {
        switch (outcome, direction) {
        case (.completed, _): Disposition.connected
        case (.missed, _): Disposition.noAnswer
        case (.rejected, .outbound), (.busy, _): Disposition.busy
        case (.rejected, .inbound), (.failed, _): nil
        }
    }

    /// The number in international form, or the username or user id of a WhatsApp user who
    /// has no number (spec §11.4) as it is.
    var remote: String {
        !remoteNumber.isEmpty && remoteNumber.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            ? "+" + remoteNumber : remoteNumber
    }

    public var title: String {
        switch (outcome, direction) {
        case (.completed, .inbound): return "WhatsApp call from \(remote)"
        case (.completed, .outbound): return "WhatsApp call to \(remote)"
        case (.missed, .inbound): return "Missed WhatsApp call from \(remote)"
        case (.missed, .outbound): return "Unanswered WhatsApp call to \(remote)"
        case (.rejected, .inbound): return "Declined WhatsApp call from \(remote)"
        case (.rejected, .outbound): return "WhatsApp call to \(remote) declined"
        case (.busy, _): return "WhatsApp call to \(remote): busy"
        case (.failed, .inbound): return "Failed WhatsApp call from \(remote)"
        case (.failed, .outbound): return "Failed WhatsApp call to \(remote)"
        }
    }

    /// `hs_call_body` is rich text (HTML), so lines are `<br>`-separated and escaped.
    public var body: String {
        var lines = ["WhatsApp \(direction.rawValue) call, \(outcome.rawValue)."]
        if let answeredBy { lines.append("Answered by: \(answeredBy)") }
        if durationMilliseconds > 0 { lines.append("Duration: \(Self.durationText(durationMilliseconds))") }
        if let endReason { lines.append("Ended: \(endReason.replacingUnderscores())") }
        if let quality, let line = CallQualityLine(json: quality)?.text { lines.append("Call quality: \(line)") }
        lines.append("Logged by Callbox (call \(callID)).")
        return lines.map(HTMLText.escape).joined(separator: "<br>")
    }

    /// The create body's `properties` (spec §9.2), carrying `idempotencyKey` in
    /// `hs_call_external_id` so the call can be found again by it.
    public func properties(idempotencyKey: String, ownerID: String?) -> JSONValue {
        let business = "+" + businessNumber
        var members: [JSONMember] = [
            JSONMember("hs_timestamp", .string(String(offeredAtMilliseconds))),
            JSONMember("hs_call_title", .string(title)),
            JSONMember("hs_call_body", .string(body)),
            JSONMember("hs_call_direction", .string(direction == .inbound ? "INBOUND" : "OUTBOUND")),
            JSONMember("hs_call_status", .string(hubSpotStatus)),
            JSONMember("hs_call_duration", .string(String(durationMilliseconds))),
            JSONMember("hs_call_from_number", .string(direction == .inbound ? remote : business)),
            JSONMember("hs_call_to_number", .string(direction == .inbound ? business : remote)),
            JSONMember(CRMObjectType.calls.idempotencyProperty, .string(idempotencyKey)),
        ]
        if let disposition { members.append(JSONMember("hs_call_disposition", .string(disposition))) }
        if let owner = answeringOwnerID ?? ownerID { members.append(JSONMember("hubspot_owner_id", .string(owner))) }
        return .object(members)
    }

    static func durationText(_ milliseconds: Int64) -> String {
        let seconds = (milliseconds + 500) / 1_000
        let minutes = seconds / 60
        let rest = seconds % 60
        return minutes > 0 ? "\(minutes)m \(rest < 10 ? "0" : "")\(rest)s" : "\(rest)s"
    }

    // MARK: outbox payload

    public var payload: [UInt8] {
        var members: [JSONMember] = [
            JSONMember("call_id", .string(callID)), JSONMember("direction", .string(direction.rawValue)),
            JSONMember("outcome", .string(outcome.rawValue)), JSONMember("remote_number", .string(remoteNumber)),
            JSONMember("business_number", .string(businessNumber)),
            JSONMember("offered_at_ms", .integer(offeredAtMilliseconds)),
            JSONMember("duration_ms", .integer(durationMilliseconds)),
        ]
        if let answeredBy { members.append(JSONMember("answered_by", .string(answeredBy))) }
        if let answeringOwnerID { members.append(JSONMember("answering_owner_id", .string(answeringOwnerID))) }
        if let endReason { members.append(JSONMember("end_reason", .string(endReason))) }
        if let quality { members.append(JSONMember("quality", .string(quality))) }
        return JSONWriter.encode(.object(members))
    }

    public init(payload: [UInt8]) throws(CRMPayloadError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(payload)
        } catch {
            throw CRMPayloadError(message: "call payload is not JSON: \(error)")
        }
        func required(_ name: String) throws(CRMPayloadError) -> String {
            guard let value = document[name]?.string else { throw CRMPayloadError(message: "call payload lacks '\(name)'") }
            return value
        }
        guard let direction = Direction(rawValue: try required("direction")) else {
            throw CRMPayloadError(message: "call payload has an unknown direction")
        }
        guard let outcome = Outcome(rawValue: try required("outcome")) else {
            throw CRMPayloadError(message: "call payload has an unknown outcome")
        }
        guard let offered = document["offered_at_ms"]?.int64, let duration = document["duration_ms"]?.int64, duration >= 0 else {
            throw CRMPayloadError(message: "call payload lacks its times")
        }
        self.init(callID: try required("call_id"), direction: direction, outcome: outcome,
                  remoteNumber: try required("remote_number"), businessNumber: try required("business_number"),
                  offeredAtMilliseconds: offered, durationMilliseconds: duration, answeredBy: document["answered_by"]?.string,
                  answeringOwnerID: document["answering_owner_id"]?.string, endReason: document["end_reason"]?.string,
                  quality: document["quality"]?.string)
    }
}

/// An outbox payload this build cannot read: the item is parked with this message.
public struct CRMPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
