import CallCore
import Config
import Journal
import Runtime

/// Agents' sign-in and sessions (`POST /api/login`, `POST /api/logout`, `GET /api/me`) and
/// the session check every other `/api` route relies on.
final class AgentAuthentication {
    /// A session nobody used for this long ends: a widget left open overnight signs in again
    /// in the morning, while a working day of use never interrupts an agent.
    static let idleLifetime = TimeSpan.hours(12)
    /// However busy, a session ends after this: a stolen cookie stops working within a week.
    static let absoluteLifetime = TimeSpan.days(7)
    /// The idle expiry is pushed forward only when it moves by more than this, so a busy
    /// widget costs one database write per quarter hour, not one per request.
    static let renewalStep = TimeSpan.minutes(15)
    /// Spent on an email that is no agent's, so the answer takes as long as a real check and
    /// does not tell which emails exist. The hash of a random password nobody knows, with
    /// `PasswordHasher`'s cost.
    static let decoyHash = "scrypt$16384$8$1$CiTLIu3q7RMoJA6QvZsbvA==$aPRDpYfh9nCDQSOtwuejHXv/7Gd7mQ6kv2IErl/gGz8="

    private let journal: Journal
    private let agentsByEmail: [String: AgentSettings]
    private let cookie: SessionCookie
    private let publicOrigin: String?
    private let clientAddress: ClientAddress
    private let passwords: PasswordCheck
    private let now: () -> Instant
    private let log = Logger("agents")
    private var throttle: LoginThrottle
    /// Told each sign-in's outcome (one of `signInOutcomes`), for `/metrics`.
    var onSignIn: ((String) -> Void)?
    /// A session ended by signing out (by its token hash): its event streams close.
    let signedOut = Broadcast<[UInt8]>()

    static let signInOutcomes = ["ok", "bad_credentials", "bad_request", "throttled", "busy", "unavailable"]

    /// `publicOrigin` is `[http] public_url`'s origin: sign-ins may come from it or from the
    /// box's own origin (the Host the request names), never from another site.
    /// `clientAddress` tells who is signing in, through a trusted reverse proxy if there is one.
    init(journal: Journal, agents: [AgentSettings], secureCookie: Bool, loop: EventLoop, publicOrigin: String? = nil,
         clientAddress: ClientAddress = ClientAddress(trustedProxies: []),
         now: @escaping () -> Instant = { Instant(unixMilliseconds: WallClock.milliseconds()) }) {
        self.journal = journal
        self.publicOrigin = publicOrigin?.lowercased()
        self.clientAddress = clientAddress
        agentsByEmail = Dictionary(agents.map { ($0.email, $0) }, uniquingKeysWith: { first, _ in first })
        cookie = SessionCookie(tls: secureCookie)
        passwords = PasswordCheck(loop: loop)
        self.now = now
        throttle = LoginThrottle()
    }

    /// The box's own origin, as the request's Host names it, or `public_url`'s.
    private func originAllowed(_ origin: String, host: String?) -> Bool {
        let origin = origin.lowercased()
        if let publicOrigin, origin == publicOrigin { return true }
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    /// Makes the agents table match the config; removed agents lose their sessions.
    func syncAgents() throws {
        let agents = agentsByEmail.values.map {
            AgentSessions.Agent(name: $0.name, email: $0.email, hubspotOwnerID: $0.hubspotOwnerID)
        }
        try journal.agentSessions.syncAgents(agents.sorted { $0.name < $1.name }, at: now())
    }

    // MARK: the session gate

    enum SessionLookup {
        case valid(AgentSessions.Session)
        case missing
        case unavailable(String)
    }

    /// The request's live session, its idle expiry renewed when due.
    func session(for request: HTTPRequest) -> SessionLookup {
        guard let token = SessionCookie.token(in: request) else { return .missing }
        let hash = SessionToken.hash(token)
        let at = now()
        do {
            guard var session = try journal.agentSessions.session(tokenHash: hash, at: at) else { return .missing }
            let renewed = min(at + Self.idleLifetime, session.createdAt + Self.absoluteLifetime)
            if renewed - session.expiresAt > Self.renewalStep {
                try journal.agentSessions.extendSession(tokenHash: hash, to: renewed)
                session.expiresAt = renewed
            }
            return .valid(session)
        } catch {
            log.error("session lookup failed", ["error": "\(error)"])
            return .unavailable("\(error)")
        }
    }

    // MARK: routes

    /// `POST /api/login` {email, password}: answered once the password check finishes on
    /// its thread.
    func login(_ request: HTTPRequest, _ responder: HTTPResponder) {
        // Login CSRF (issue 10): a form on another site can post text/plain, but not JSON
        // without a preflight, and a browser always names the page's origin.
        let contentType = request.header("content-type")?.split(separator: ";").first.map { String($0).trimmed().lowercased() }
        guard contentType == "application/json" else {
            onSignIn?("bad_request")
            responder.respond(ApiResponse.error(415, "not_json", "sign in with a JSON body (Content-Type: application/json)"))
            return
        }
        if let origin = request.header("origin"), !originAllowed(origin, host: request.header("host")) {
            onSignIn?("bad_request")
            log.warning("sign-in refused from another site", ["origin": origin])
            responder.respond(ApiResponse.error(403, "foreign_origin", "sign in from the widget, not from another site"))
            return
        }
        guard let body = try? JSONParser.parse(request.body), body.members != nil else {
            onSignIn?("bad_request")
            responder.respond(ApiResponse.error(400, "bad_json", "the body must be a JSON object {\"email\", \"password\"}"))
            return
        }
        guard let email = body["email"]?.string, !email.isEmpty, let password = body["password"]?.string else {
            onSignIn?("bad_request")
            responder.respond(ApiResponse.error(400, "bad_request", "'email' and 'password' are required strings"))
            return
        }
        let agent = agentsByEmail[email.lowercased()]
        let address = clientAddress.of(request)
        let started = now()
        // The same answer whichever count asked for the wait, and whether or not the email is an
        // agent's: the refusal must not tell an attacker which emails exist.
        if case let .wait(wait, limit) = throttle.check(email: email, address: address, at: started) {
            let seconds = max(1, (wait.milliseconds + 999) / 1_000)
            log.warning("sign-in refused: too many attempts", ["limit": limit.rawValue, "from": address])
            onSignIn?("throttled")
            var response = ApiResponse.error(429, "too_many_attempts", "too many sign-in attempts; try again in \(seconds) s")
            response.headers.append(("Retry-After", "\(seconds)"))
            responder.respond(response)
            return
        }
        let accepted = passwords.verify(password, against: agent?.passwordHash.encoded ?? Self.decoyHash) { [weak self] matches in
            self?.finishLogin(agent: matches ? agent : nil, email: email, address: address, host: request.header("host"),
                              responder: responder)
        }
        guard accepted else {
            onSignIn?("busy")
            var response = ApiResponse.error(503, "busy", "too many sign-ins at once; try again in a moment")
            response.headers.append(("Retry-After", "1"))
            responder.respond(response)
            return
        }
        throttle.recordAttempt(email: email, address: address, at: started)
    }

    private func finishLogin(agent: AgentSettings?, email: String, address: String, host: String?, responder: HTTPResponder) {
        guard let agent else {
            log.notice("sign-in failed", ["from": address])
            onSignIn?("bad_credentials")
            responder.respond(ApiResponse.error(401, "bad_credentials", "the email or the password is wrong"))
            return
        }
        throttle.recordSuccess(email: email, address: address)
        guard let secrets = SessionToken.generate() else {
            onSignIn?("unavailable")
            responder.respond(ApiResponse.error(503, "no_randomness", "the box could not make a session token; try again"))
            return
        }
        let at = now()
        do {
            try journal.agentSessions.createSession(tokenHash: SessionToken.hash(secrets.token), agent: agent.name,
                                                    csrfToken: secrets.csrfToken, createdAt: at,
                                                    expiresAt: at + Self.idleLifetime)
        } catch {
            log.error("session could not be stored", ["agent": agent.name, "error": "\(error)"])
            onSignIn?("unavailable")
            responder.respond(ApiResponse.error(503, "journal_unavailable", "the session could not be stored; try again"))
            return
        }
        log.notice("agent signed in", ["agent": agent.name, "from": address])
        onSignIn?("ok")
        let view = AgentSessions.Agent(name: agent.name, email: agent.email, hubspotOwnerID: agent.hubspotOwnerID)
        var response = ApiResponse.json(200, Self.describe(view, csrfToken: secrets.csrfToken))
        response.headers.append(cookie.setting(secrets.token, lifetime: Self.absoluteLifetime, host: host))
        responder.respond(response)
    }

    /// `POST /api/logout`: ends this session and clears the cookie.
    func logout(_ request: ApiRequest, _ responder: HTTPResponder) {
        let session = request.session
        do {
            try journal.agentSessions.endSession(tokenHash: session.tokenHash)
        } catch {
            responder.respond(ApiResponse.error(503, "journal_unavailable", "the session could not be ended; try again"))
            return
        }
        log.notice("agent signed out", ["agent": session.agent.name])
        signedOut.publish(session.tokenHash)
        var response = ApiResponse.json(200, ["signed_out": true])
        response.headers.append(cookie.clearing(host: request.http.header("host")))
        responder.respond(response)
    }

    /// `GET /api/me`: who is signed in, and the CSRF token for state-changing requests.
    func me(_ request: ApiRequest, _ responder: HTTPResponder) {
        responder.respond(ApiResponse.json(200, Self.describe(request.session.agent, csrfToken: request.session.csrfToken)))
    }

    static func describe(_ agent: AgentSessions.Agent, csrfToken: String) -> JSONValue {
        ["agent": ["name": .string(agent.name), "email": .string(agent.email),
                   "hubspot_owner_id": agent.hubspotOwnerID.map(JSONValue.string) ?? .null],
         "csrf_token": .string(csrfToken)]
    }
}
