// The browser's side of a WhatsApp call: the microphone, one RTCPeerConnection, the far end's
// audio in an <audio> element. Meta takes a complete SDP (no trickle ICE, WhatsApp Cloud API
// §6.3), so every description is handed over only once ICE gathering is complete.

/** Longest wait for ICE gathering; on loopback and LAN it completes in milliseconds. */
const ICE_GATHERING_LIMIT_MS = 5000;
/** Gap between DTMF tones and their length (RFC 4733 events through RTCDTMFSender). */
const DTMF_TONE_MS = 120;
const DTMF_GAP_MS = 70;

export class BrowserCall {
  constructor(audioElement) {
    this.audioElement = audioElement;
    this.connection = null;
    this.microphone = null;
  }

  async start() {
    this.microphone = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    this.connection = new RTCPeerConnection({ iceServers: [] });
    for (const track of this.microphone.getAudioTracks()) this.connection.addTrack(track, this.microphone);
    this.connection.ontrack = (event) => {
      this.audioElement.srcObject = event.streams[0] || new MediaStream([event.track]);
      this.audioElement.play().catch(() => {});
    };
  }

  /** Outbound: our offer, complete, for `connect`. */
  async offer() {
    await this.start();
    await this.connection.setLocalDescription(await this.connection.createOffer());
    await this.gathered();
    return this.connection.localDescription.sdp;
  }

  /** Outbound: Meta's answer from the connect webhook. */
  async applyAnswer(sdp) {
    if (!this.connection || this.connection.remoteDescription) return;
    await this.connection.setRemoteDescription({ type: "answer", sdp });
  }

  /** Inbound: our answer to Meta's offer, complete, for pre_accept and accept. */
  async answer(offerSdp) {
    await this.start();
    await this.connection.setRemoteDescription({ type: "offer", sdp: offerSdp });
    await this.connection.setLocalDescription(await this.connection.createAnswer());
    await this.gathered();
    return this.connection.localDescription.sdp;
  }

  gathered() {
    const connection = this.connection;
    if (connection.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ICE_GATHERING_LIMIT_MS);
      function finish() {
        clearTimeout(timer);
        connection.removeEventListener("icegatheringstatechange", check);
        resolve();
      }
      function check() {
        if (connection.iceGatheringState === "complete") finish();
      }
      connection.addEventListener("icegatheringstatechange", check);
    });
  }

  setMuted(muted) {
    if (!this.microphone) return;
    for (const track of this.microphone.getAudioTracks()) track.enabled = !muted;
  }

  sendDigits(digits) {
    const sender = this.connection && this.connection.getSenders().find((candidate) => candidate.dtmf);
    if (!sender || !sender.dtmf.canInsertDTMF) return false;
    sender.dtmf.insertDTMF(digits, DTMF_TONE_MS, DTMF_GAP_MS);
    return true;
  }

  /** Received and sent audio levels, for the tests and the call screen (getStats). */
  async audioLevels() {
    const levels = { inboundEnergy: 0, inboundLevel: 0, outboundPackets: 0, inboundPackets: 0 };
    if (!this.connection) return levels;
    const report = await this.connection.getStats();
    report.forEach((entry) => {
      if (entry.type === "inbound-rtp" && entry.kind === "audio") {
        levels.inboundEnergy = entry.totalAudioEnergy || 0;
        levels.inboundLevel = entry.audioLevel || 0;
        levels.inboundPackets = entry.packetsReceived || 0;
      }
      if (entry.type === "outbound-rtp" && entry.kind === "audio") levels.outboundPackets = entry.packetsSent || 0;
    });
    return levels;
  }

  close() {
    if (this.microphone) for (const track of this.microphone.getTracks()) track.stop();
    if (this.connection) this.connection.close();
    this.audioElement.srcObject = null;
    this.connection = null;
    this.microphone = null;
  }
}
