import Glibc
import Runtime

/// One call's WebRTC transport on the media thread: the sockets, the ICE agent, DTLS,
/// the SRTP contexts and RTCP, stacked as RFC 5764 demultiplexes them on one port. Audio
/// itself is the audio thread's (`CallAudio`); packets cross through its queues.
///
/// Threading: everything here runs on the media thread, except `init`, which the engine
/// runs on the event loop before handing the session over.
final class MediaSession: @unchecked Sendable {
    /// What the session does with the far end's SDP: answer it, or expect its answer.
    enum Side { case answerer, offerer }

    /// A DTLS flight or RTP packet never exceeds this (ICE, DTLS MTU and Opus all stay below).
    static let datagramBytes = 2_048
    /// SRTP authentication tag or AEAD tag, plus the SRTCP index (RFC 3711 §3.4).
    static let protectionOverhead = 32

    let id: MediaCallID
    let audio: CallAudio
    let board = QualityBoard()
    let localDescription: String
    private let side: Side
    private let sockets: [UdpSocket]
    private var ice: IceAgent
    private let certificate: DtlsCertificate
    private var dtls: DtlsTransport?
    private var inbound: SrtpSession?
    private var outbound: SrtpSession?
    private var remotePayloadTypes: (opus: UInt8, telephoneEvent: UInt8?)?
    private var destination: (socket: UdpSocket, address: SocketAddress)?
    private var sendingEnabled = false
    private var finished = false
    private var reception = RtcpReceptionStatistics()
    private var roundTrip = RtcpRoundTrip()
    private var reports: RtcpScheduler
    private var dtmf = DtmfReceiver()
    private var sent = (packets: UInt32(0), octets: UInt32(0), lastTimestamp: UInt32?.none)
    private var boardUpdatedAt: Int64 = 0
    /// `CallAudio.captured` → the protected packet handed to the socket, per packet sent.
    private let captureToSend = LatencyHistogram()
    /// The event loop reads quality when a call ends; a second's staleness is plenty.
    static let qualityPublishMilliseconds: Int64 = 1_000
    private let cname: [UInt8]
    private let buffer: UnsafeMutableRawBufferPointer
    private let log = Logger("media")
    var emit: (MediaEvent) -> Void = { _ in }

    init(id: MediaCallID, side: Side, iceMode: IceMode, remote: SessionDescription?, addresses: [SocketAddress],
         certificate: DtlsCertificate, wakeNetwork: EventLoop.Waker) throws(MediaSetupError) {
        guard !addresses.isEmpty else { throw .noLocalAddress }
        var sockets: [UdpSocket] = []
        for address in addresses { sockets.append(try UdpSocket(binding: address)) }
        let candidates = IceCandidateGatherer.hostCandidates(addresses: sockets.map(\.local))
        let ssrc = UInt32.random(in: 1 ... .max)
        do {
            ice = try IceAgent(role: iceMode == .lite ? .controlled : .controlling, mode: iceMode, localCandidates: candidates)
        } catch {
            throw .badRemoteDescription("ICE: \(error)")
        }
        let remoteAudio = remote?.audioSection
        let opus = remoteAudio?.opusPayloadType ?? SDPBuilder.offeredOpusPayloadType
        do {
            // Answering, the far end's telephone-event and Opus wishes; offering, ours, which the
            // answer echoes.
            let telephoneEvent = remoteAudio.map { $0.telephoneEvent }
                ?? (SDPBuilder.offeredTelephoneEventPayloadType, SDPBuilder.telephoneEventClockRate)
            audio = try CallAudio(opusPayloadType: opus, telephoneEvent: telephoneEvent,
                                  opus: remoteAudio.map(OpusSendParameters.init(section:)) ?? OpusSendParameters(),
                                  ssrc: ssrc, wakeNetwork: wakeNetwork)
        } catch {
            throw .badRemoteDescription("Opus: \(error)")
        }
        cname = Array("callbox-\(id.raw)".utf8)
        let local: LocalMediaParameters
        do {
            local = try LocalMediaParameters(
                sessionID: UInt64.random(in: 1 ..< 1 << 63), ufrag: ice.localCredentials.ufrag,
                pwd: ice.localCredentials.pwd, fingerprintSHA256: certificate.fingerprintSHA256,
                candidates: candidates.map(Self.sdpCandidate), ssrc: ssrc, cname: String(decoding: cname, as: UTF8.self))
            switch (side, remote) {
            case let (.answerer, remote?):
                localDescription = try SDPBuilder.answer(to: remote, local: local, setup: .active, iceLite: iceMode == .lite)
            default:
                localDescription = try SDPBuilder.offer(local: local, iceLite: iceMode == .lite)
            }
        } catch {
            throw .badRemoteDescription("\(error)")
        }
        self.id = id
        self.side = side
        self.sockets = sockets
        self.certificate = certificate
        reports = RtcpScheduler(startMilliseconds: MonotonicClock.milliseconds())
        buffer = .allocate(byteCount: Self.datagramBytes, alignment: 8)
        if let remote {
            try apply(try RemoteMedia(remote), now: MonotonicClock.milliseconds())
        }
    }

    deinit { buffer.deallocate() }

    var descriptors: [(Int32, UdpSocket)] { sockets.map { ($0.descriptor, $0) } }

    private static func sdpCandidate(_ candidate: IceCandidate) -> SDPCandidate {
        SDPCandidate(foundation: candidate.foundation, component: UInt16(candidate.component), transport: .udp,
                     priority: candidate.priority, address: candidate.address.ipText, port: candidate.address.port,
                     type: .host)
    }

    // MARK: remote description

    /// The far end's offer (answerer) or answer (offerer): ICE credentials and candidates,
    /// the DTLS fingerprint and role, the payload types.
    func apply(_ remote: RemoteMedia, now: Int64) throws(MediaSetupError) {
        remotePayloadTypes = (remote.opusPayloadType, remote.telephoneEventPayloadType)
        // Answering we said active (client); offering actpass, the answer decides (RFC 5763 §5).
        let role: DtlsRole = side == .answerer ? .client : (remote.setup == .passive ? .client : .server)
        do {
            dtls = try DtlsTransport(role: role, certificate: certificate, remoteFingerprint: remote.fingerprint)
            try ice.addRemoteCredentials(ufrag: remote.ufrag, pwd: remote.pwd, now: now)
        } catch {
            throw .badRemoteDescription("\(error)")
        }
        for candidate in remote.candidates where candidate.transport == .udp && candidate.component == 1 {
            guard let address = SocketAddress(ipText: candidate.address, port: candidate.port),
                  sockets.contains(where: { $0.local.isIPv4 == address.isIPv4 }) else { continue }
            let type = IceCandidateType(rawValue: candidate.type.rawValue) ?? .host
            try? ice.addRemoteCandidate(IceCandidate(foundation: candidate.foundation, priority: candidate.priority,
                                                     address: address, type: type))
        }
        log.info("remote description applied", ["call": "\(id)", "dtls": role == .client ? "client" : "server",
                                                "candidates": "\(remote.candidates.count)",
                                                "skipped_lines": remote.skippedLines.map(String.init).joined(separator: ",")])
    }

    /// Meta's rule (spec §3.1, §6.2): nothing toward the far end before `accept` succeeded.
    func enableSending() {
        sendingEnabled = true
    }

    // MARK: input

    func readable(_ socket: UdpSocket, now: Int64) {
        while let (count, source) = socket.receive(into: buffer) {
            guard count > 0 else { continue }
            handle(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), from: source, on: socket, now: now)
        }
    }

    private func handle(_ datagram: UnsafeRawBufferPointer, from source: SocketAddress, on socket: UdpSocket, now: Int64) {
        switch MediaPacketKind.classify(datagram) {
        case .stun:
            deliver(ice.receive(Array(datagram), from: source, local: socket.local, now: now), now: now)
        case .dtls:
            guard let dtls else { return }
            if destination == nil { destination = (socket, source) }
            deliver(dtls.receive(Array(datagram), now: now), now: now)
        case .rtp:
            receiveRTP(datagram, now: now)
        case .rtcp:
            receiveRTCP(datagram, now: now)
        case .unknown:
            break
        }
    }

    private func receiveRTP(_ datagram: UnsafeRawBufferPointer, now: Int64) {
        guard let inbound, let payloadTypes = remotePayloadTypes, datagram.count <= Self.datagramBytes else { return }
        var packet = Array(datagram)
        do {
            try inbound.unprotectRTP(&packet)
        } catch {
            board.update { $0.srtpFailures += 1 }
            return
        }
        packet.withUnsafeBytes { bytes in
            guard let header = try? RtpPacket.parse(bytes) else { return }
            let arrival = MonotonicClock.nanoseconds()
            reception.record(sequenceNumber: header.sequenceNumber, rtpTimestamp: header.timestamp,
                             ssrc: header.ssrc, arrivalNanoseconds: arrival)
            if header.payloadType == payloadTypes.opus {
                audio.incoming.push(bytes, time: arrival)
            } else if header.payloadType == payloadTypes.telephoneEvent, let digit = dtmf.receive(header, in: bytes) {
                emit(.dtmf(id, digit.character))
            }
        }
    }

    private func receiveRTCP(_ datagram: UnsafeRawBufferPointer, now: Int64) {
        guard let inbound else { return }
        var packet = Array(datagram)
        do {
            try inbound.unprotectRTCP(&packet)
        } catch {
            board.update { $0.srtpFailures += 1 }
            return
        }
        guard let compound = try? RtcpPacket.parseCompound(packet) else { return }
        let arrival = NtpTimestamp.now()
        for item in compound {
            var blocks: [RtcpReportBlock] = []
            switch item {
            case let .senderReport(report):
                reception.recordSenderReport(report.ntpTimestamp, arrivalNanoseconds: MonotonicClock.nanoseconds())
                blocks = report.reportBlocks
            case let .receiverReport(report):
                blocks = report.reportBlocks
            default:
                continue
            }
            for block in blocks where block.ssrc == audio.ssrc {
                let rtt = roundTrip.update(with: block, arrival: arrival)
                board.update {
                    if let rtt { $0.roundTripMilliseconds = rtt }
                    $0.remoteFractionLost = Double(block.fractionLost) / 256
                }
            }
        }
    }

    // MARK: time and output

    /// Runs what is due (ICE checks and keep-alives, DTLS retransmissions, RTCP) and sends
    /// the audio thread's packets; returns when it wants to run again.
    func tick(now: Int64) -> Int64? {
        guard !finished else { return nil }
        deliver(ice.poll(now: now), now: now)
        if let dtls, let due = dtls.nextTimeout(now: now), due <= now {
            deliver(dtls.handleTimeout(now: now), now: now)
        }
        sendAudio()
        if outbound != nil, reports.isDue(nowMilliseconds: now) { sendReport() }
        if now - boardUpdatedAt >= Self.qualityPublishMilliseconds {
            boardUpdatedAt = now
            publishReception()
        }
        var next = ice.nextDeadline
        if let due = dtls?.nextTimeout(now: now) { next = min(next ?? due, due) }
        if outbound != nil {
            let report = now + reports.millisecondsUntilDue(nowMilliseconds: now)
            next = min(next ?? report, report)
        }
        return next.map { max(0, $0 - now) }
    }

    private func deliver(_ output: IceOutput, now: Int64) {
        for transmit in output.transmits {
            let socket = sockets.first { $0.local == transmit.source } ?? sockets[0]
            transmit.bytes.withUnsafeBytes { socket.send($0, to: transmit.destination) }
        }
        for event in output.events {
            switch event {
            case let .connected(remote):
                selectDestination(remote)
                log.info("ICE connected", ["call": "\(id)", "remote": "\(remote)"])
                if let dtls, dtls.role == .client, dtls.state == .new { deliver(dtls.start(now: now), now: now) }
            case let .selectedPairChanged(pair):
                selectDestination(pair.remote.address, local: pair.local.address)
            case .consentLost:
                fail(.consentLost)
            case let .failed(reason):
                fail(.iceFailed("\(reason)"))
            case .disconnected, .roleChanged, .remoteCandidateIgnored:
                break
            }
        }
    }

    private func selectDestination(_ remote: SocketAddress, local: SocketAddress? = nil) {
        let localAddress = local ?? ice.selectedPair?.local.address
        let socket = sockets.first { $0.local == localAddress } ?? sockets.first { $0.local.isIPv4 == remote.isIPv4 } ?? sockets[0]
        destination = (socket, remote)
    }

    private func deliver(_ output: DtlsOutput, now: Int64) {
        if let destination {
            for datagram in output.datagrams {
                datagram.withUnsafeBytes { destination.socket.send($0, to: destination.address) }
            }
        }
        for event in output.events {
            switch event {
            case let .connected(keys):
                do {
                    inbound = try SrtpSession(profile: keys.profile, key: keys.remoteKey, salt: keys.remoteSalt, direction: .inbound)
                    outbound = try SrtpSession(profile: keys.profile, key: keys.localKey, salt: keys.localSalt, direction: .outbound)
                } catch {
                    fail(.dtlsFailed("SRTP: \(error)"))
                    return
                }
                board.update { $0.srtpProfile = "\(keys.profile)" }
                log.info("DTLS-SRTP connected", ["call": "\(id)", "profile": "\(keys.profile)"])
                emit(.connected(id))
            case let .failed(failure):
                fail(.dtlsFailed(failure.description))
            case .closed:
                // A close_notify is how a far end that hung up says goodbye: not a fault.
                guard !finished else { return }
                finished = true
                log.info("the far end closed DTLS", ["call": "\(id)"])
                emit(.failed(id, .dtlsFailed("the far end closed DTLS")))
            }
        }
    }

    private func sendAudio() {
        while audio.outgoing.pop({ bytes, captured in
            if send(rtp: bytes) { captureToSend.record(nanoseconds: MonotonicClock.nanoseconds() - captured) }
        }) {}
    }

    /// True when the packet went to the socket.
    private func send(rtp bytes: UnsafeRawBufferPointer) -> Bool {
        guard sendingEnabled, let outbound, let destination,
              bytes.count + Self.protectionOverhead <= Self.datagramBytes,
              let header = try? RtpPacket.parse(bytes) else { return false }
        let length: Int
        do {
            buffer.copyMemory(from: bytes)
            length = try outbound.protectRTP(in: buffer, length: bytes.count)
        } catch {
            return false
        }
        destination.socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: destination.address)
        sent.packets &+= 1
        sent.octets &+= UInt32(header.payloadLength)
        sent.lastTimestamp = header.timestamp
        return true
    }

    private func sendReport() {
        guard let outbound, let destination else { return }
        let now = NtpTimestamp.now()
        var blocks: [RtcpReportBlock] = []
        if let block = reception.makeReportBlock(nowNanoseconds: MonotonicClock.nanoseconds()) { blocks.append(block) }
        let length: Int
        do {
            if let timestamp = sent.lastTimestamp {
                roundTrip.recordSentReport(now)
                length = try RtcpCompound.write(RtcpSenderReport(ssrc: audio.ssrc, ntpTimestamp: now, rtpTimestamp: timestamp,
                                                                 packetCount: sent.packets, octetCount: sent.octets,
                                                                 reportBlocks: blocks), cname: cname, into: buffer)
            } else {
                length = try RtcpCompound.write(RtcpReceiverReport(ssrc: audio.ssrc, reportBlocks: blocks), cname: cname, into: buffer)
            }
            let protected = try outbound.protectRTCP(in: buffer, length: length)
            destination.socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<protected]), to: destination.address)
        } catch {
            return
        }
    }

    private func publishReception() {
        let statistics = reception
        let packets = Int(sent.packets)
        let captureToSend = captureToSend.summary
        board.update {
            $0.captureToSend = captureToSend
            $0.packetsSent = packets
            $0.packetsReceived = Int(statistics.packetsReceived)
            $0.packetsLost = Int(max(0, statistics.cumulativeLost))
            $0.jitterMilliseconds = statistics.jitterMilliseconds
        }
    }

    private func fail(_ failure: MediaFailure) {
        guard !finished else { return }
        finished = true
        log.warning("media failed", ["call": "\(id)", "reason": failure.description])
        emit(.failed(id, failure))
    }

    /// Ends the call's transport: close_notify to the far end, final statistics.
    func close(now: Int64) {
        if let dtls, dtls.state == .connected { deliver(dtls.close(), now: now) }
        finished = true
        ice.close()
        publishReception()
    }
}
