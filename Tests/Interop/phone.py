"""The WhatsApp user's phone for the media tests: aiortc, an independent WebRTC stack.

Runs aiortc's asyncio loop on a background thread so the (synchronous) pytest tests can
drive it: make or answer an SDP offer, play a tone, record what arrives, and say which
frequency it heard and how loud. aiortc offers no loopback candidates by itself, so
aioice is told the only host address is 127.0.0.1.
"""
import asyncio
import fractions
import random
import socket
import threading
import time

import aioice.ice
import numpy
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from av import AudioFrame

aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

RATE = 48_000
FRAME = 960  # 20 ms


class ToneTrack(MediaStreamTrack):
    """A sine tone, 48 kHz mono, paced in real time."""
    kind = "audio"

    def __init__(self, frequency, amplitude=0.3):
        super().__init__()
        self.frequency = frequency
        self.amplitude = amplitude
        self.sent = 0
        self.started = None

    async def recv(self):
        if self.started is None:
            self.started = time.monotonic()
        due = self.started + self.sent / RATE
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        t = (numpy.arange(FRAME) + self.sent) / RATE
        samples = (numpy.sin(2 * numpy.pi * self.frequency * t) * self.amplitude * 32767).astype(numpy.int16)
        frame = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self.sent
        frame.time_base = fractions.Fraction(1, RATE)
        self.sent += FRAME
        return frame


def analyse(samples, rate=RATE):
    """(dominant frequency in Hz, RMS level in dBFS) of int16 samples."""
    samples = numpy.asarray(samples, dtype=numpy.float64)
    if len(samples) == 0:
        return 0.0, -200.0
    rms = numpy.sqrt(numpy.mean(samples ** 2)) / 32768
    spectrum = numpy.abs(numpy.fft.rfft(samples * numpy.hanning(len(samples))))
    frequency = numpy.argmax(spectrum[1:]) + 1
    return frequency * rate / len(samples), 20 * numpy.log10(max(rms, 1e-10))


def tone_ratio(samples, frequency, rate=RATE, width=30):
    """Share of the signal's energy within `width` Hz of `frequency` (intelligibility proxy)."""
    samples = numpy.asarray(samples, dtype=numpy.float64)
    spectrum = numpy.abs(numpy.fft.rfft(samples * numpy.hanning(len(samples)))) ** 2
    bins = numpy.fft.rfftfreq(len(samples), 1 / rate)
    band = (bins > frequency - width) & (bins < frequency + width)
    total = spectrum[1:].sum()
    return float(spectrum[band].sum() / total) if total else 0.0


class Phone:
    """One aiortc peer connection playing `tone_hz` and recording what it receives."""

    def __init__(self, tone_hz=440.0):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.received = []
        self.connection_states = []
        self.tone_hz = tone_hz
        self.pc = self._run(self._create())

    def _run(self, coroutine, timeout=30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _create(self):
        pc = RTCPeerConnection()
        pc.addTrack(ToneTrack(self.tone_hz))

        @pc.on("track")
        def on_track(track):
            asyncio.ensure_future(self._record(track))

        @pc.on("connectionstatechange")
        def on_state():
            self.connection_states.append(pc.connectionState)

        return pc

    async def _record(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            data = frame.to_ndarray()
            if frame.layout.name != "mono":
                data = data.reshape(-1, len(frame.layout.channels))[:, 0]
            self.received.append((time.monotonic(), data.reshape(-1).astype(numpy.int16)))

    def offer(self):
        async def make():
            await self.pc.setLocalDescription(await self.pc.createOffer())
            return self.pc.localDescription.sdp
        return self._run(make())

    def accept_answer(self, sdp):
        self._run(self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer")))

    def answer(self, offer_sdp):
        async def make():
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            return self.pc.localDescription.sdp
        return self._run(make())

    @property
    def state(self):
        return self.pc.connectionState

    def audio(self, since=0.0):
        """Received samples after `since` seconds of monotonic time, as one int16 array."""
        chunks = [chunk for at, chunk in self.received if at >= since]
        return numpy.concatenate(chunks) if chunks else numpy.zeros(0, dtype=numpy.int16)

    def close(self):
        try:
            self._run(self.pc.close(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


class LossyRelay:
    """A UDP relay between the box and the phone that drops and reorders RTP.

    Each side is told the relay's address instead of the other's (the SDP candidates are
    rewritten); STUN and DTLS pass untouched so ICE and the handshake are not the test.
    """

    def __init__(self, loss=0.0, reorder=0.0, seed=7):
        self.random = random.Random(seed)
        self.loss, self.reorder = loss, reorder
        self.phone_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.box_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.phone_side.bind(("127.0.0.1", 0))
        self.box_side.bind(("127.0.0.1", 0))
        self.phone_address = None
        self.box_address = None
        self.rtp_forwarded = 0
        self.rtp_dropped = 0
        self.rtp_reordered = 0
        self.running = True
        self.threads = [threading.Thread(target=self._pump, args=(self.phone_side, self.box_side, "to_box"), daemon=True),
                        threading.Thread(target=self._pump, args=(self.box_side, self.phone_side, "to_phone"), daemon=True)]
        for thread in self.threads:
            thread.start()

    @property
    def port_for_phone(self):
        return self.phone_side.getsockname()[1]

    @property
    def port_for_box(self):
        return self.box_side.getsockname()[1]

    def _pump(self, inbound, outbound, direction):
        inbound.settimeout(0.2)
        held = None
        while self.running:
            try:
                data, source = inbound.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if direction == "to_box":
                self.phone_address = source
                target = self.box_address
            else:
                self.box_address = self.box_address or source
                target = self.phone_address
            if target is None:
                continue
            is_rtp = 128 <= data[0] <= 191 and not (192 <= data[1] <= 223)
            if is_rtp:
                if self.random.random() < self.loss:
                    self.rtp_dropped += 1
                    continue
                if held is None and self.random.random() < self.reorder:
                    held = (data, target)
                    self.rtp_reordered += 1
                    continue
                self.rtp_forwarded += 1
            outbound.sendto(data, target)
            if held is not None and is_rtp:
                outbound.sendto(*held)
                held = None

    def close(self):
        self.running = False
        for thread in self.threads:
            thread.join(1)
        self.phone_side.close()
        self.box_side.close()


def rewrite_candidates(sdp, host, port):
    """Points every candidate (and the m= port) of `sdp` at host:port."""
    lines = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=candidate:"):
            parts = line.split(" ")
            parts[4], parts[5] = host, str(port)
            line = " ".join(parts)
        elif line.startswith("m=audio "):
            parts = line.split(" ")
            parts[1] = str(port)
            line = " ".join(parts)
        lines.append(line)
    return "\r\n".join(lines)
