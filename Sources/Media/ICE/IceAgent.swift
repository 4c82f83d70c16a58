/// An ICE agent (RFC 8445) as a pure state machine: datagrams and the monotonic time go in,
/// datagrams to send and events come out. The integrator owns the UDP socket(s) and the clock:
/// it calls `receive` for every STUN datagram, `poll` at `nextDeadline`, and sends what both
/// return.
///
/// Full mode runs checks on every pair, paced by Ta, with USE-CANDIDATE on each check when
/// controlling (aggressive nomination, as WebRTC agents do toward ICE-lite peers such as Meta),
/// and selects the highest-priority nominated pair that succeeded. Lite mode (the sandbox peer
/// playing Meta) only answers checks and selects the pair a USE-CANDIDATE check arrived on.
/// After selection, consent freshness (RFC 7675) keeps or drops the path.
public struct IceAgent: Sendable {
    public let mode: IceMode
    public private(set) var role: IceRole
    public let tieBreaker: UInt64
    public let localCredentials: IceCredentials
    public private(set) var remoteCredentials: IceCredentials?
    public private(set) var localCandidates: [IceCandidate]
    public private(set) var remoteCandidates: [IceCandidate] = []

    private var pairs: [PairEntry] = []
    /// Pair indices awaiting a triggered check (RFC 8445 §7.3.1.4); at most one entry per pair.
    private var triggeredQueue: [Int] = []
    private var selected: Int?
    private var phase: Phase = .new
    /// Ta pacing: no new check before this time.
    private var nextCheckAt: Int64 = .min
    /// The last STUN error code a peer answered a check with, for the failure reason.
    private var lastErrorCode: Int?

    /// swift-nio style: each phase carries the data only it needs.
    private enum Phase: Sendable {
        case new
        case checking(deadline: Int64)
        case connected(Consent)
        case disconnected(Consent)
        case failed(IceFailureReason)
        case closed
    }

    private struct Consent: Sendable {
        var lastFreshAt: Int64
        var nextRequestAt: Int64
        var transactions: [StunTransactionID] = []
    }

    private struct PairEntry: Sendable {
        var local: Int
        var remote: Int
        var priority: UInt64
        var state: IceCandidatePairState = .waiting
        var transaction: StunTransactionID?
        var request: [UInt8] = []
        var transmissions = 0
        var retransmitAt: Int64 = 0
        var rto: Int64 = IceTiming.checkInitialRtoMs
        var sentControlling = false
        var sentUseCandidate = false
        var nominated = false
        var peerNominated = false
    }

    /// - Parameters:
    ///   - localCandidates: host candidates (the sockets' addresses) and any srflx candidate;
    ///     checks are sent from host candidates only, srflx ones are for the SDP.
    public init(role: IceRole, mode: IceMode = .full, localCredentials: IceCredentials = .random(),
                tieBreaker: UInt64 = .random(in: .min ... .max), localCandidates: [IceCandidate]) throws(IceError) {
        guard localCandidates.count <= IceLimits.maxLocalCandidates else { throw .tooManyLocalCandidates(limit: IceLimits.maxLocalCandidates) }
        if let other = localCandidates.first(where: { $0.component != IceCandidate.rtpComponent }) {
            throw .unsupportedComponent(other.component)
        }
        // A lite agent is always controlled (RFC 8445 §6.1.1).
        self.role = mode == .lite ? .controlled : role
        self.mode = mode
        self.localCredentials = localCredentials
        self.tieBreaker = tieBreaker
        self.localCandidates = localCandidates
        pairs.reserveCapacity(IceLimits.maxPairs)
        triggeredQueue.reserveCapacity(IceLimits.maxPairs)
        remoteCandidates.reserveCapacity(IceLimits.maxRemoteCandidates)
    }

    // MARK: Observed state

    public var state: IceConnectionState {
        switch phase {
        case .new: .new
        case .checking: .checking
        case .connected: .connected
        case .disconnected: .disconnected
        case .failed: .failed
        case .closed: .closed
        }
    }

    public var failureReason: IceFailureReason? {
        if case .failed(let reason) = phase { return reason }
        return nil
    }

    public var selectedPair: IceCandidatePair? { selected.map(publicPair) }

    /// The checklist, highest priority first, for diagnostics.
    public var candidatePairs: [IceCandidatePair] {
        pairs.indices.map(publicPair).sorted { $0.priority > $1.priority }
    }

    /// When `poll` next has work; nil when nothing is scheduled (new, failed, closed, or idle).
    public var nextDeadline: Int64? {
        var deadline: Int64?
        func consider(_ time: Int64) { deadline = min(deadline ?? time, time) }
        switch phase {
        case .new, .failed, .closed:
            return nil
        case .checking(let timeout):
            consider(timeout)
        case .connected(let consent), .disconnected(let consent):
            consider(consent.lastFreshAt + IceTiming.consentLostAfterMs)
            if case .connected = phase { consider(consent.lastFreshAt + IceTiming.disconnectedAfterMs) }
            if mode == .full { consider(consent.nextRequestAt) }
        }
        guard mode == .full, remoteCredentials != nil else { return deadline }
        for pair in pairs where pair.state == .inProgress { consider(pair.retransmitAt) }
        if !triggeredQueue.isEmpty || pairs.contains(where: { $0.state == .waiting }) { consider(nextCheckAt) }
        return deadline
    }

    // MARK: Inputs

    /// The peer's ice-ufrag/ice-pwd from its SDP. Checks start now (full mode), and so does
    /// the connectivity timeout.
    public mutating func addRemoteCredentials(ufrag: String, pwd: String, now: Int64) throws(IceError) {
        remoteCredentials = try IceCredentials(ufrag: ufrag, pwd: pwd)
        if case .new = phase { phase = .checking(deadline: now + IceTiming.connectivityTimeoutMs) }
    }

    /// A candidate from the peer's SDP. Bounds are checked before anything is stored, so a
    /// refused candidate leaves the agent as it was. A repeated address is ignored.
    public mutating func addRemoteCandidate(_ candidate: IceCandidate) throws(IceError) {
        guard candidate.component == IceCandidate.rtpComponent else { throw .unsupportedComponent(candidate.component) }
        if remoteCandidates.contains(where: { $0.address == candidate.address }) { return }
        try insertRemote(candidate)
    }

    /// One STUN datagram from `source`, received on the socket bound to `local` (nil when the
    /// socket is bound to a wildcard address: the first host candidate of the sender's family
    /// stands for it). Non-STUN or unauthenticated input is dropped without an answer.
    public mutating func receive(_ bytes: [UInt8], from source: SocketAddress, local: SocketAddress? = nil, now: Int64) -> IceOutput {
        var output = IceOutput()
        switch phase {
        case .failed, .closed: return output
        default: break
        }
        guard let message = try? StunMessage.parse(bytes), message.method == .binding else { return output }
        // Every ICE message carries FINGERPRINT (RFC 8445 §7.1); a wrong one means not ours.
        if message.hasFingerprint && !message.verifyFingerprint() { return output }
        switch message.messageClass {
        case .request:
            handleRequest(message, from: source, local: local, now: now, &output)
        case .successResponse, .errorResponse:
            handleResponse(message, from: source, now: now, &output)
        case .indication:
            break
        }
        runTimers(now: now, &output)
        return output
    }

    /// Retransmissions, paced new checks, consent checks and timeouts due at `now`.
    public mutating func poll(now: Int64) -> IceOutput {
        var output = IceOutput()
        runTimers(now: now, &output)
        return output
    }

    /// Stops everything; later inputs produce nothing.
    public mutating func close() {
        phase = .closed
        triggeredQueue.removeAll()
    }

    // MARK: Requests (RFC 8445 §7.3)

    private mutating func handleRequest(_ request: StunMessage, from source: SocketAddress, local: SocketAddress?, now: Int64, _ output: inout IceOutput) {
        guard let localIndex = matchLocal(local, family: source.isIPv4) else { return }
        let base = localCandidates[localIndex].address
        func reply(_ code: Int, _ reason: String, signed: Bool, extra: [StunAttribute] = []) {
            let response = StunMessage(messageClass: .errorResponse, transactionID: request.transactionID,
                                       attributes: [.errorCode(code: code, reason: reason)] + extra)
            output.transmits.append(IceTransmit(bytes: response.serialize(integrityKey: signed ? localKey : nil, fingerprint: true), source: base, destination: source))
        }
        // Short-term credentials (RFC 8489 §9.1.3): no USERNAME or integrity is a 400, a wrong
        // one a 401, both unsigned since we cannot trust the sender.
        guard let username = request.username, request.hasIntegrity else {
            return reply(400, "Bad Request", signed: false)
        }
        let names = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let remoteMatches = remoteCredentials.map { names.count == 2 && names[1] == $0.ufrag } ?? true
        guard names.first.map(String.init) == localCredentials.ufrag, remoteMatches, request.verifyIntegrity(key: localKey) else {
            return reply(401, "Unauthorized", signed: false)
        }
        let unknown = request.unknownComprehensionRequired
        guard unknown.isEmpty else {
            return reply(420, "Unknown Attribute", signed: true, extra: [.unknownAttributes(unknown)])
        }
        // Role conflict (RFC 8445 §7.3.1.1). A lite agent cannot be controlling, so it always
        // answers 487 and lets the full peer switch.
        if role == .controlling, let theirs = request.iceControlling {
            if tieBreaker >= theirs { return reply(487, "Role Conflict", signed: true) }
            switchRole(to: .controlled, &output)
        } else if role == .controlled, let theirs = request.iceControlled {
            if mode == .lite || tieBreaker < theirs { return reply(487, "Role Conflict", signed: true) }
            switchRole(to: .controlling, &output)
        }

        let success = StunMessage(messageClass: .successResponse, transactionID: request.transactionID, attributes: [.xorMappedAddress(source)])
        output.transmits.append(IceTransmit(bytes: success.serialize(integrityKey: localKey, fingerprint: true), source: base, destination: source))

        // Learn the sender as a peer-reflexive candidate (RFC 8445 §7.3.1.3).
        var remoteIndex = remoteCandidates.firstIndex { $0.address == source }
        if remoteIndex == nil {
            let priority = request.priority ?? IceCandidate.priority(type: .prflx, localPreference: IceCandidate.maxLocalPreference, component: IceCandidate.rtpComponent)
            let candidate = IceCandidate(foundation: IceCandidate.foundation(type: .prflx, base: source), priority: priority, address: source, type: .prflx)
            do throws(IceError) {
                try insertRemote(candidate)
                remoteIndex = remoteCandidates.count - 1
            } catch {
                output.events.append(.remoteCandidateIgnored(source, error))
                return
            }
        }
        guard let remoteIndex, let pairIndex = pairs.firstIndex(where: { $0.local == localIndex && $0.remote == remoteIndex }) else { return }

        if role == .controlled && request.hasUseCandidate { pairs[pairIndex].peerNominated = true }
        if mode == .lite {
            refreshConsent(pair: pairIndex, now: now, &output)
            if pairs[pairIndex].peerNominated {
                pairs[pairIndex].state = .succeeded
                nominate(pairIndex, now: now, &output)
            }
            return
        }
        switch pairs[pairIndex].state {
        case .succeeded:
            if pairs[pairIndex].peerNominated { nominate(pairIndex, now: now, &output) }
        case .inProgress:
            // The check already under way will tell (RFC 8445 §7.3.1.4 allows keeping it).
            break
        case .waiting, .failed:
            pairs[pairIndex].state = .waiting
            enqueueTriggered(pairIndex)
        }
    }

    // MARK: Responses (RFC 8445 §7.2.5)

    private mutating func handleResponse(_ response: StunMessage, from source: SocketAddress, now: Int64, _ output: inout IceOutput) {
        guard let remoteKey else { return }
        let authenticated = response.verifyIntegrity(key: remoteKey)
        if let index = pairs.firstIndex(where: { $0.transaction == response.transactionID && $0.state == .inProgress }) {
            handleCheckResponse(response, pair: index, from: source, authenticated: authenticated, now: now, &output)
            return
        }
        // Otherwise it may answer a consent check on the selected pair (RFC 7675 §5.1).
        guard authenticated, response.messageClass == .successResponse, let selected,
              source == remoteCandidates[pairs[selected].remote].address else { return }
        switch phase {
        case .connected(let consent), .disconnected(let consent):
            guard consent.transactions.contains(response.transactionID) else { return }
            refreshConsent(pair: selected, now: now, &output)
        default:
            return
        }
    }

    private mutating func handleCheckResponse(_ response: StunMessage, pair index: Int, from source: SocketAddress, authenticated: Bool, now: Int64, _ output: inout IceOutput) {
        let symmetric = source == remoteCandidates[pairs[index].remote].address
        if response.messageClass == .errorResponse {
            guard symmetric else { return }
            let code = response.errorCode?.code
            lastErrorCode = code ?? lastErrorCode
            // Unauthenticated errors (a 401 from a peer that has not yet read our answer, spec
            // §6.2) leave the check retransmitting; only signed ones change the pair.
            guard authenticated else { return }
            if code == 487 {
                // RFC 8445 §7.2.5.1: take the other role than the one we claimed, and retry.
                switchRole(to: pairs[index].sentControlling ? .controlled : .controlling, &output)
                pairs[index].state = .waiting
                pairs[index].transaction = nil
                enqueueTriggered(index)
            } else {
                pairs[index].state = .failed
                pairs[index].transaction = nil
            }
            return
        }
        guard authenticated else { return }
        // Checks must be symmetric (RFC 8445 §7.2.5.2.1).
        guard symmetric else {
            pairs[index].state = .failed
            pairs[index].transaction = nil
            return
        }
        pairs[index].state = .succeeded
        pairs[index].transaction = nil
        let nominatedNow = (role == .controlling && pairs[index].sentUseCandidate) || (role == .controlled && pairs[index].peerNominated)
        if nominatedNow { nominate(index, now: now, &output) }
    }

    // MARK: Timers

    private mutating func runTimers(now: Int64, _ output: inout IceOutput) {
        switch phase {
        case .new, .failed, .closed:
            return
        case .checking(let deadline):
            if now >= deadline {
                return fail(.connectivityTimeout(lastErrorCode: lastErrorCode), &output)
            }
        case .connected(var consent), .disconnected(var consent):
            if now - consent.lastFreshAt >= IceTiming.consentLostAfterMs {
                output.events.append(.consentLost)
                return fail(.consentLost, &output)
            }
            if case .connected = phase, now - consent.lastFreshAt >= IceTiming.disconnectedAfterMs {
                phase = .disconnected(consent)
                output.events.append(.disconnected)
            }
            if mode == .full, let selected, now >= consent.nextRequestAt, let remoteCredentials {
                let (id, bytes) = checkRequest(pair: selected, remote: remoteCredentials)
                consent.transactions.append(id)
                if consent.transactions.count > IceLimits.maxConsentTransactions { consent.transactions.removeFirst() }
                consent.nextRequestAt = now + Self.consentInterval()
                output.transmits.append(transmit(bytes, pair: selected))
                if case .connected = phase { phase = .connected(consent) } else { phase = .disconnected(consent) }
            }
        }
        guard mode == .full, let remoteCredentials else { return }
        for index in pairs.indices where pairs[index].state == .inProgress && now >= pairs[index].retransmitAt {
            if pairs[index].transmissions >= IceTiming.checkMaxTransmissions {
                pairs[index].state = .failed
                pairs[index].transaction = nil
                continue
            }
            pairs[index].transmissions += 1
            pairs[index].retransmitAt = now + pairs[index].rto
            pairs[index].rto = min(pairs[index].rto * 2, IceTiming.checkMaxRtoMs)
            output.transmits.append(transmit(pairs[index].request, pair: index))
        }
        if now >= nextCheckAt, let index = nextPairToCheck() {
            startCheck(index, remote: remoteCredentials, now: now, &output)
            nextCheckAt = now + IceTiming.pacingIntervalMs
        }
        if case .checking = phase, !pairs.isEmpty, triggeredQueue.isEmpty, pairs.allSatisfy({ $0.state == .failed }) {
            fail(.allPairsFailed(lastErrorCode: lastErrorCode), &output)
        }
    }

    /// Triggered checks first (RFC 8445 §6.1.4.2), then the highest-priority waiting pair.
    private mutating func nextPairToCheck() -> Int? {
        while !triggeredQueue.isEmpty {
            let index = triggeredQueue.removeFirst()
            if pairs[index].state == .waiting { return index }
        }
        return pairs.indices.filter { pairs[$0].state == .waiting }.max { pairs[$0].priority < pairs[$1].priority }
    }

    private mutating func startCheck(_ index: Int, remote: IceCredentials, now: Int64, _ output: inout IceOutput) {
        let (id, bytes) = checkRequest(pair: index, remote: remote)
        pairs[index].state = .inProgress
        pairs[index].transaction = id
        pairs[index].request = bytes
        pairs[index].transmissions = 1
        pairs[index].retransmitAt = now + IceTiming.checkInitialRtoMs
        pairs[index].rto = min(IceTiming.checkInitialRtoMs * 2, IceTiming.checkMaxRtoMs)
        pairs[index].sentControlling = role == .controlling
        pairs[index].sentUseCandidate = role == .controlling
        output.transmits.append(transmit(bytes, pair: index))
    }

    /// A Binding request for a pair (RFC 8445 §7.1): USERNAME `remote:local`, PRIORITY as a
    /// prflx candidate of the same base, the role with our tie-breaker, USE-CANDIDATE when
    /// controlling (aggressive nomination), MESSAGE-INTEGRITY with the peer's pwd, FINGERPRINT.
    private func checkRequest(pair index: Int, remote: IceCredentials) -> (StunTransactionID, [UInt8]) {
        let local = localCandidates[pairs[index].local]
        var attributes: [StunAttribute] = [
            .username("\(remote.ufrag):\(localCredentials.ufrag)"),
            .priority(IceCandidate.priority(type: .prflx, localPreference: local.localPreference, component: local.component)),
            role == .controlling ? .iceControlling(tieBreaker: tieBreaker) : .iceControlled(tieBreaker: tieBreaker),
        ]
        if role == .controlling { attributes.append(.useCandidate) }
        let request = StunMessage(messageClass: .request, attributes: attributes)
        return (request.transactionID, request.serialize(integrityKey: Array(remote.pwd.utf8), fingerprint: true))
    }

    // MARK: Nomination, consent, failure

    /// Selects `index` if nothing is selected or it beats the current pair (RFC 8445 §8.1.1:
    /// the highest-priority nominated pair wins).
    private mutating func nominate(_ index: Int, now: Int64, _ output: inout IceOutput) {
        pairs[index].nominated = true
        if let selected, selected == index || pairs[selected].priority >= pairs[index].priority { return }
        selected = index
        output.events.append(.selectedPairChanged(publicPair(index)))
        switch phase {
        case .new, .checking:
            phase = .connected(Consent(lastFreshAt: now, nextRequestAt: now + Self.consentInterval()))
            output.events.append(.connected(remote: remoteCandidates[pairs[index].remote].address))
        case .connected(var consent):
            consent.lastFreshAt = now
            consent.transactions.removeAll()
            phase = .connected(consent)
        case .disconnected(var consent):
            consent.lastFreshAt = now
            consent.transactions.removeAll()
            phase = .connected(consent)
            output.events.append(.connected(remote: remoteCandidates[pairs[index].remote].address))
        case .failed, .closed:
            break
        }
    }

    private mutating func refreshConsent(pair index: Int, now: Int64, _ output: inout IceOutput) {
        guard selected == index else { return }
        switch phase {
        case .connected(var consent):
            consent.lastFreshAt = now
            phase = .connected(consent)
        case .disconnected(var consent):
            consent.lastFreshAt = now
            phase = .connected(consent)
            output.events.append(.connected(remote: remoteCandidates[pairs[index].remote].address))
        default:
            break
        }
    }

    private mutating func fail(_ reason: IceFailureReason, _ output: inout IceOutput) {
        phase = .failed(reason)
        triggeredQueue.removeAll()
        for index in pairs.indices where pairs[index].state == .inProgress {
            pairs[index].state = .failed
            pairs[index].transaction = nil
        }
        output.events.append(.failed(reason))
    }

    /// Random in [4 s, 6 s] so consent checks of many flows do not synchronize (RFC 7675 §5.1).
    private static func consentInterval() -> Int64 {
        .random(in: IceTiming.consentIntervalMinMs...IceTiming.consentIntervalMaxMs)
    }

    private mutating func switchRole(to newRole: IceRole, _ output: inout IceOutput) {
        guard role != newRole else { return }
        role = newRole
        // Pair priorities depend on which side is controlling (RFC 8445 §6.1.2.3).
        for index in pairs.indices { pairs[index].priority = pairPriority(local: pairs[index].local, remote: pairs[index].remote) }
        output.events.append(.roleChanged(newRole))
    }

    // MARK: Storage

    private mutating func insertRemote(_ candidate: IceCandidate) throws(IceError) {
        guard remoteCandidates.count < IceLimits.maxRemoteCandidates else { throw .tooManyRemoteCandidates(limit: IceLimits.maxRemoteCandidates) }
        let locals = localCandidates.indices.filter { localCandidates[$0].type == .host && localCandidates[$0].address.isIPv4 == candidate.address.isIPv4 }
        guard pairs.count + locals.count <= IceLimits.maxPairs else { throw .tooManyPairs(limit: IceLimits.maxPairs) }
        remoteCandidates.append(candidate)
        let remote = remoteCandidates.count - 1
        for local in locals {
            pairs.append(PairEntry(local: local, remote: remote, priority: pairPriority(local: local, remote: remote)))
        }
    }

    private func pairPriority(local: Int, remote: Int) -> UInt64 {
        let mine = localCandidates[local].priority
        let theirs = remoteCandidates[remote].priority
        return role == .controlling
            ? IceCandidatePair.priority(controlling: mine, controlled: theirs)
            : IceCandidatePair.priority(controlling: theirs, controlled: mine)
    }

    private mutating func enqueueTriggered(_ index: Int) {
        if !triggeredQueue.contains(index) { triggeredQueue.append(index) }
    }

    /// The host candidate a datagram arrived on: the exact address when the integrator knows
    /// it, else the first host candidate of the sender's family (one wildcard socket per family).
    private func matchLocal(_ local: SocketAddress?, family isIPv4: Bool) -> Int? {
        if let local, let exact = localCandidates.firstIndex(where: { $0.type == .host && $0.address == local }) { return exact }
        return localCandidates.firstIndex { $0.type == .host && $0.address.isIPv4 == isIPv4 }
    }

    private func transmit(_ bytes: [UInt8], pair index: Int) -> IceTransmit {
        IceTransmit(bytes: bytes, source: localCandidates[pairs[index].local].address, destination: remoteCandidates[pairs[index].remote].address)
    }

    private func publicPair(_ index: Int) -> IceCandidatePair {
        let entry = pairs[index]
        return IceCandidatePair(local: localCandidates[entry.local], remote: remoteCandidates[entry.remote],
                                priority: entry.priority, state: entry.state, nominated: entry.nominated)
    }

    /// Short-term credential keys are the pwd's UTF-8 bytes (RFC 8489 §9.1.1).
    private var localKey: [UInt8] { Array(localCredentials.pwd.utf8) }
    private var remoteKey: [UInt8]? { remoteCredentials.map { Array($0.pwd.utf8) } }
}

/// The agent's connectivity as the integrator and webrtc-pc's iceConnectionState see it.
public enum IceConnectionState: Sendable, Equatable {
    case new, checking, connected, failed, disconnected, closed
}
