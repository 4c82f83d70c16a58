/// The subscription handshake (spec §1.1): Meta GETs the callback with `hub.mode=subscribe`,
/// our verify token and a challenge; echoing the challenge unchanged activates the webhook.
public enum WebhookVerification {
    /// The body to answer 200 with, or nil when the request must get 403. `query` holds the
    /// already percent-decoded parameters; when a name repeats, the first occurrence counts.
    public static func respond(query: [(name: String, value: String)], verifyToken: String) -> String? {
        respond(verifyToken: verifyToken) { name in query.first(where: { $0.name == name })?.value }
    }

    public static func respond(verifyToken: String, query: (String) -> String?) -> String? {
        // An unset token must not let an empty `hub.verify_token` through.
        guard !verifyToken.isEmpty, query("hub.mode") == "subscribe",
              let token = query("hub.verify_token"),
              let challenge = query("hub.challenge") else { return nil }
        guard HMACSHA256.constantTimeEqual(Array(token.utf8), Array(verifyToken.utf8)) else { return nil }
        return challenge
    }
}
