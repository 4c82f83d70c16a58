/// `GET …/call_permissions` (spec §4.4): whether we may call a user now, and the limits on
/// calling and on asking. `canPerformAction` already accounts for every limit.
public struct CallPermissionState: Sendable, Equatable {
    public var status: Status
    /// Unix seconds; absent for permanent permissions.
    public var expirationTime: Int64?
    public var actions: [Action]

    public enum Status: Sendable, Equatable {
        case noPermission
        case temporary
        case permanent
        case other(String)

        /// Meta documents two vocabularies (spec §11.6): the guide's `no_permission`, `temporary`,
        /// `permanent`, and the Graph reference's `granted` (temporary when it expires, else
        /// permanent), `pending`, `denied`, `expired` (no permission). Both are read.
        init(_ text: String, expires: Bool) {
            switch text.lowercased() {
            case "no_permission", "pending", "denied", "expired": self = .noPermission
            case "temporary": self = .temporary
            case "permanent": self = .permanent
            case "granted": self = expires ? .temporary : .permanent
            default: self = .other(text)
            }
        }
    }

    public struct Action: Sendable, Equatable {
        /// `send_call_permission_request` or `start_call`.
        public var name: String
        public var canPerformAction: Bool
        public var limits: [Limit]

        public init(name: String, canPerformAction: Bool, limits: [Limit]) {
            self.name = name
            self.canPerformAction = canPerformAction
            self.limits = limits
        }
    }

    public struct Limit: Sendable, Equatable {
        /// ISO-8601 duration as the guide writes it (`PT24H`, `P7D`); the Graph reference writes `24h`.
        public var timePeriod: String

        /// Whether the period is one day, however Meta spelled it.
        public var isOneDay: Bool { ["PT24H", "P1D", "24H", "1D"].contains(timePeriod.uppercased()) }
        public var maxAllowed: Int64
        public var currentUsage: Int64
        /// Present only while the limit is exhausted.
        public var limitExpirationTime: Int64?

        public init(timePeriod: String, maxAllowed: Int64, currentUsage: Int64, limitExpirationTime: Int64? = nil) {
            self.timePeriod = timePeriod
            self.maxAllowed = maxAllowed
            self.currentUsage = currentUsage
            self.limitExpirationTime = limitExpirationTime
        }
    }

    public init(status: Status, expirationTime: Int64? = nil, actions: [Action] = []) {
        self.status = status
        self.expirationTime = expirationTime
        self.actions = actions
    }

    /// The action named `name`, e.g. to ask whether a permission request may be sent.
    public func action(_ name: String) -> Action? {
        actions.first(where: { $0.name == name })
    }

    static func decode(_ document: FieldReader) throws(WebhookDecodeError) -> CallPermissionState {
        let permission = try document.object()["permission"].object()
        // The reference sample says `expiration_time`; the prose says `expiration`.
        var expiration = try permission["expiration_time"].optionalInteger()
        if expiration == nil { expiration = try permission["expiration"].optionalInteger() }
        var actions: [Action] = []
        for element in try document["actions"].elements() {
            let action = try element.object()
            var limits: [Limit] = []
            // Meta's Graph reference writes `"limits": ""` for an action without limits (spec §11.6).
            let listed = action["limits"].value?.string?.isEmpty == true ? FieldReader(nil) : action["limits"]
            for limitElement in try listed.elements() {
                let limit = try limitElement.object()
                limits.append(Limit(
                    timePeriod: try limit["time_period"].string(),
                    maxAllowed: try limit["max_allowed"].integer(),
                    currentUsage: try limit["current_usage"].integer(),
                    limitExpirationTime: try limit["limit_expiration_time"].optionalInteger()))
            }
            actions.append(Action(
                name: try action["action_name"].string(),
                canPerformAction: try action["can_perform_action"].optionalBool() ?? false,
                limits: limits))
        }
        return CallPermissionState(status: Status(try permission["status"].string(), expires: expiration != nil),
                                   expirationTime: expiration, actions: actions)
    }
}
