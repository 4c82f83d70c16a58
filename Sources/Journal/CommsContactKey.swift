extension CommsLog {
    /// The business-scoped user id Meta last gave for this phone (spec §9), learnt from the
    /// messages it sent us: rows stored under a key other than the phone itself. Nil while
    /// Meta has named none, when the phone is the contact's key.
    public func userID(forPhone phone: String) throws -> String? {
        try connection.queryFirst("""
            SELECT contact_key FROM comms_log WHERE phone = ?1 AND contact_key <> ?1 AND contact_key <> wamid
            ORDER BY id DESC LIMIT 1
            """, { try $0.bind(1, phone) }) { try $0.text(0) }
    }
}
