import CallCore

extension CommsEntry {
    /// A delivery status for a message we sent (spec §7.2), as the communications log applies
    /// it: the status by name, Meta's time for it and, for `failed`, the first error.
    public struct StatusUpdate: Sendable, Equatable {
        public var wamid: String
        /// `sent`, `delivered`, `read`, `played`, `failed`, or another status as sent, lower-cased.
        public var status: String
        public var at: Instant
        public var errorCode: Int64?
        public var errorText: String?

        public init(wamid: String, status: String, at: Instant, errorCode: Int64? = nil, errorText: String? = nil) {
            self.wamid = wamid
            self.status = status
            self.at = at
            self.errorCode = errorCode
            self.errorText = errorText
        }

        public init(_ status: MessageStatus) {
            let error = status.errors.first
            self.init(wamid: status.id, status: status.status.text, at: Instant(unixSeconds: status.timestamp),
                      errorCode: error?.code, errorText: error.flatMap { $0.title ?? $0.message })
        }
    }
}
