"""Process-level benchmarks: webhook intake under wrk against nginx, idle memory
against baresip, a handset call's CPU, memory and added delay against two baresips in a
call, and off-hook to first audio. Prints figures; exits 0 whatever they are (benchmarks
are not gates)."""
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Interop"))
import meta  # noqa: E402
from box import APP_SECRET, Box, free_port, wait_for  # noqa: E402

CONNECTIONS = 32
THREADS = 2
DURATION = os.environ.get("BENCH_DURATION", "10s")
DISTINCT_BODIES = 512


def wait_http(url, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def parse_wrk(text):
    figures = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    figures["rps"] = float(match.group(1)) if match else 0.0
    for label, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", text, re.M):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        figures[f"p{label}_ms"] = float(value) * scale
    match = re.search(r"(\d+) requests in", text)
    figures["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    figures["non2xx"] = int(match.group(1)) if match else 0
    return figures


def run_wrk(url, script=None):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def intake(binary):
    work = tempfile.mkdtemp(prefix="callbox-bench-")
    # Stale connects (older than Meta's 60 s rule) are the cheapest realistic calls
    # payloads: committed, decoded, refused, never sent to Graph.
    stale = str(int(time.time()) - 3600)
    bodies = [meta.body_of(meta.connect_offer(f"wacid.BENCH{i:06d}", timestamp=stale)) for i in range(DISTINCT_BODIES)]
    size = len(bodies[0])
    with open(os.path.join(work, "bodies.lua"), "w") as f:
        f.write("bodies = {}\nsignatures = {}\n")
        for i, body in enumerate(bodies):
            f.write(f"bodies[{i + 1}] = {json.dumps(body.decode())}\n")
            f.write(f"signatures[{i + 1}] = \"{meta.signature(body, APP_SECRET)}\"\n")
    script = os.path.join(work, "intake.lua")
    with open(script, "w") as f:
        f.write(f'dofile("{work}/bodies.lua")\n' + """
counter = 0
request = function()
  counter = counter % #bodies + 1
  return wrk.format("POST", "/webhook", {["Content-Type"] = "application/json",
                    ["X-Hub-Signature-256"] = signatures[counter]}, bodies[counter])
end
""")

    box = Box(os.path.join(work, "box"), "sandbox", max_calls=8)
    os.environ["CALLBOX_BIN"] = binary
    box.process = subprocess.Popen([binary, "run", "--config", box.config_path],
                                   stdout=open(box.log_path, "w"), stderr=subprocess.STDOUT)
    wait_http(box.url + "/healthz")
    ours = run_wrk(box.url + "/webhook", script)
    time.sleep(1)
    rows = sqlite3.connect(os.path.join(box.data_dir, "callbox.db")).execute("select count(*) from inbox").fetchone()[0]
    box.stop()

    site = os.path.join(work, "nginx")
    os.makedirs(os.path.join(site, "www"))
    # nginx's workers run as an unprivileged user: they must be able to reach the file.
    for folder in (work, site, os.path.join(site, "www")):
        os.chmod(folder, 0o755)
    with open(os.path.join(site, "www", "payload.json"), "wb") as f:
        f.write(bodies[0])
    port = free_port()
    with open(os.path.join(site, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 1;
pid {site}/nginx.pid;
error_log {site}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {site}/body; proxy_temp_path {site}/proxy; fastcgi_temp_path {site}/fcgi;
  uwsgi_temp_path {site}/uwsgi; scgi_temp_path {site}/scgi;
  server {{ listen 127.0.0.1:{port}; root {site}/www; }}
}}
""")
    nginx = subprocess.Popen(["nginx", "-c", os.path.join(site, "nginx.conf"), "-g", "daemon off;"])
    wait_http(f"http://127.0.0.1:{port}/payload.json")
    reference = run_wrk(f"http://127.0.0.1:{port}/payload.json")
    nginx.send_signal(signal.SIGQUIT)
    nginx.wait()

    print(f"payload: signed calls connect, {size} bytes, {DISTINCT_BODIES} distinct bodies; "
          f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}; nginx: 1 worker, static file of the same size")
    print(f"{'':24}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'non-2xx':>9}")
    for name, figures in (("callbox POST /webhook", ours), ("nginx GET static", reference)):
        print(f"{name:24}{figures['rps']:>12.0f}{figures.get('p50_ms', 0):>10.3f}{figures.get('p99_ms', 0):>10.3f}"
              f"{figures['requests']:>10}{figures['non2xx']:>9}")
    ratio = ours["rps"] / reference["rps"] if reference["rps"] else 0
    answered = ours["requests"] - ours["non2xx"]
    print(f"ratio callbox/nginx: {ratio:.1%}; inbox rows {rows} for {answered} answered 200 "
          f"(lost: {max(0, answered - rows)}; wrk counts only completed requests, so rows may exceed it by the in-flight few)")


def memory(binary):
    work = tempfile.mkdtemp(prefix="callbox-mem-")
    box = Box(os.path.join(work, "box"), "sandbox")
    box.process = subprocess.Popen([binary, "run", "--config", box.config_path],
                                   stdout=open(box.log_path, "w"), stderr=subprocess.STDOUT)
    wait_http(box.url + "/healthz")
    time.sleep(2)
    ours = read_status(box.process.pid)
    box.stop()

    config = os.path.join(work, "baresip")
    os.makedirs(config)
    baresip = subprocess.Popen(["baresip", "-f", config], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    theirs = read_status(baresip.pid)
    baresip.terminate()
    baresip.wait()

    size = os.path.getsize(binary)
    print(f"{'':28}{'VmRSS kB':>10}{'RssAnon kB':>12}")
    print(f"{'callbox (idle, sandbox)':28}{ours['VmRSS']:>10}{ours['RssAnon']:>12}")
    print(f"{'baresip (idle, defaults)':28}{theirs['VmRSS']:>10}{theirs['RssAnon']:>12}")
    print(f"callbox binary: {size / 1e6:.1f} MB (release, --static-swift-stdlib); "
          f"VmRSS ratio {ours['VmRSS'] / theirs['VmRSS']:.2f}")


COMMS_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "100000"))
# Meta batches several messages into one delivery when they arrive together (spec §1.3).
MESSAGES_PER_DELIVERY = 20
COMMS_SENDERS = 1000
COMMS_CLIENTS = 8


def comms_message(index):
    """A Meta-shaped inbound message; mostly text, with the other common kinds mixed in."""
    sender = f"3460{index % COMMS_SENDERS:07d}"
    message = {"from": sender, "id": f"wamid.BENCH{index:09d}", "timestamp": meta.now()}
    kind = index % 10
    if kind == 7:
        message.update(type="image", image={"id": f"media{index}", "mime_type": "image/jpeg",
                                            "sha256": "c2hh", "caption": "the invoice"})
    elif kind == 8:
        message.update(type="location", location={"latitude": 40.4168, "longitude": -3.7038, "name": "Office"})
    elif kind == 9:
        message.update(type="reaction", reaction={"message_id": f"wamid.BENCH{index - 1:09d}", "emoji": "👍"})
    else:
        message.update(type="text", text={"body": f"Message {index}: is the office open on Saturday?"})
    return sender, message


def comms_deliveries(first, count):
    deliveries = []
    for start in range(first, first + count, MESSAGES_PER_DELIVERY):
        contacts, messages = [], []
        for index in range(start, min(start + MESSAGES_PER_DELIVERY, first + count)):
            sender, message = comms_message(index)
            contacts.append({"profile": {"name": "Bench User"}, "wa_id": sender})
            messages.append(message)
        body = meta.body_of(meta.envelope("messages", {"contacts": contacts, "messages": messages}))
        deliveries.append((body, meta.signature(body, APP_SECRET)))
    return deliveries


def post_all(port, deliveries):
    """Posts the deliveries over COMMS_CLIENTS keep-alive connections; returns the non-200 count."""
    import http.client
    import threading
    failures = []

    def client(part):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body, sig in part:
            connection.request("POST", "/webhook", body=body,
                               headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client, args=(deliveries[i::COMMS_CLIENTS],)) for i in range(COMMS_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(failures)


def comms(binary):
    work = tempfile.mkdtemp(prefix="callbox-comms-")
    box = Box(os.path.join(work, "box"), "sandbox")
    box.process = subprocess.Popen([binary, "run", "--config", box.config_path],
                                   stdout=open(box.log_path, "w"), stderr=subprocess.STDOUT)
    wait_http(box.url + "/healthz")
    port = int(box.url.rsplit(":", 1)[1])
    database = os.path.join(box.data_dir, "callbox.db")

    def stored():
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        try:
            return connection.execute("select count(*) from comms_log").fetchone()[0]
        finally:
            connection.close()

    half = COMMS_MESSAGES // 2
    batches = [comms_deliveries(0, half), comms_deliveries(half, COMMS_MESSAGES - half)]
    time.sleep(2)
    samples = [("before", read_status(box.process.pid))]
    rates = []
    for number, deliveries in enumerate(batches):
        target = half if number == 0 else COMMS_MESSAGES
        started = time.monotonic()
        refused = post_all(port, deliveries)
        answered = time.monotonic() - started
        deadline = time.monotonic() + 300
        while stored() < target and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        count = len(deliveries) * MESSAGES_PER_DELIVERY
        rates.append((count, len(deliveries), answered, elapsed, refused))
        samples.append((f"after {target // 1000}k", read_status(box.process.pid)))
    time.sleep(5)
    samples.append((f"after {COMMS_MESSAGES // 1000}k + 5 s idle", read_status(box.process.pid)))
    rows = stored()
    box.stop()

    print(f"{COMMS_MESSAGES} inbound messages (70% text, image, location, reaction) from {COMMS_SENDERS} senders, "
          f"{MESSAGES_PER_DELIVERY} per signed delivery, {COMMS_CLIENTS} keep-alive clients; each delivery is "
          f"committed to the inbox (synchronous=FULL, fsync) before its 200, then stored in the comms log")
    print(f"{'half':6}{'messages':>10}{'deliveries':>12}{'200s in s':>11}{'stored in s':>13}{'msgs/s stored':>15}{'non-200':>9}")
    for number, (count, deliveries, answered, elapsed, refused) in enumerate(rates):
        print(f"{number + 1:<6}{count:>10}{deliveries:>12}{answered:>11.2f}{elapsed:>13.2f}{count / elapsed:>15.0f}{refused:>9}")
    print(f"comms_log rows: {rows} (expected {COMMS_MESSAGES})")
    print(f"{'memory':28}{'VmRSS kB':>10}{'RssAnon kB':>12}")
    for label, status in samples:
        print(f"{label:28}{status['VmRSS']:>10}{status['RssAnon']:>12}")


def read_status(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                values[key] = int(rest.split()[0])
    return values


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CALL_SECONDS = int(os.environ.get("BENCH_CALL_SECONDS", "60"))
# Media settles (DTLS done, jitter target adapted) before the measured window opens.
SETTLE_SECONDS = 2
RSS_SAMPLE_SECONDS = 5
OFFHOOK_CALLS = 5
# Each off-hook call runs this long after answering: first audio comes well inside it.
OFFHOOK_CALL_SECONDS = 3
MIC_HZ = 1_000
PHONE_HZ = 440


def cpu_seconds(pid, task=None):
    """utime + stime of the whole process (all threads), /proc/PID/stat fields 14 and 15;
    of one thread with `task`."""
    path = f"/proc/{pid}/task/{task}/stat" if task else f"/proc/{pid}/stat"
    with open(path) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def thread_cpu(pid):
    """CPU seconds so far of each live thread, keyed by (thread id, name)."""
    seconds = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                seconds[(task, f.read().strip())] = cpu_seconds(pid, task)
        except OSError:
            continue
    return seconds


def measure_call(pids, seconds):
    """CPU (% of one core, ms per second) of each process over `seconds`, and its largest
    VmRSS/RssAnon sampled every RSS_SAMPLE_SECONDS meanwhile."""
    start = {pid: cpu_seconds(pid) for pid in pids}
    threads = {pid: thread_cpu(pid) for pid in pids}
    began = time.monotonic()
    peaks = {pid: {"VmRSS": 0, "RssAnon": 0} for pid in pids}
    while time.monotonic() - began < seconds:
        time.sleep(min(RSS_SAMPLE_SECONDS, max(0.0, seconds - (time.monotonic() - began))))
        for pid in pids:
            for key, value in read_status(pid).items():
                peaks[pid][key] = max(peaks[pid][key], value)
    elapsed = time.monotonic() - began
    figures = {}
    for pid in pids:
        ended = thread_cpu(pid)
        per_thread = {}
        for (task, name), seconds in ended.items():
            share = 100 * (seconds - threads[pid].get((task, name), 0)) / elapsed
            # Threads that name no role of their own inherit the process name; the main one is told apart.
            label = "main" if task == str(pid) else name
            per_thread[label] = per_thread.get(label, 0) + share
        figures[pid] = {"cpu_percent": 100 * (cpu_seconds(pid) - start[pid]) / elapsed,
                        "cpu_ms_per_s": 1000 * (cpu_seconds(pid) - start[pid]) / elapsed,
                        "threads": per_thread, **peaks[pid]}
    return figures


def write_tone(path, frequency, seconds, amplitude=0.3):
    import numpy
    t = numpy.arange(int(48_000 * seconds)) / 48_000
    with open(path, "wb") as f:
        f.write((numpy.sin(2 * numpy.pi * frequency * t) * amplitude * 32767).astype("<i2").tobytes())


class HandsetBox:
    """The release box on the simulated board, a fake Graph API and aiortc phones, all on
    127.0.0.1; calls answered as test_handset_media.py does (connect webhook, `offhook`)."""

    def __init__(self, binary, work, mic_seconds):
        from fake_graph import FakeGraph
        self.graph = FakeGraph().start()
        self.box = Box(os.path.join(work, "box"), self.graph.url)
        os.makedirs(self.box.data_dir, exist_ok=True)
        write_tone(os.path.join(self.box.data_dir, "mic.raw"), MIC_HZ, mic_seconds)
        self.box.process = subprocess.Popen([binary, "run", "--config", self.box.config_path],
                                            stdout=open(self.box.log_path, "w"), stderr=subprocess.STDOUT)
        wait_http(self.box.url + "/healthz")
        self.pid = self.box.process.pid

    def hook(self, state):
        with open(os.path.join(self.box.data_dir, "hook"), "w") as f:
            f.write(state + "\n")

    def answer(self, call_id):
        """Rings `call_id` with a fresh aiortc offer, lifts the handset; returns the phone
        once ICE and DTLS connected."""
        from phone import Phone
        phone = Phone(PHONE_HZ)
        self.box.deliver(meta.connect_offer(call_id, sdp=phone.offer()))
        wait_for(lambda: self.state(call_id) == "ringing", what="ringing")
        self.hook("offhook")
        # Polled finely: the poll interval is part of the off-hook → audio figure.
        pre_accept = wait_for(lambda: [r for r in self.graph.calls("pre_accept") if r.json.get("call_id") == call_id],
                              interval=0.002, what="pre_accept")
        phone.accept_answer(pre_accept[0].json["session"]["sdp"])
        wait_for(lambda: self.state(call_id) == "active", what="active")
        wait_for(lambda: phone.state == "connected", timeout=15, what="phone connected")
        return phone

    def hang_up(self, call_id, phone):
        """Hangs up and returns the call record's quality JSON."""
        self.hook("onhook")
        rows = wait_for(lambda: self.box.query("select quality from calls where call_id = ?", call_id),
                        timeout=15, what="call record")
        phone.close()
        return json.loads(rows[0]["quality"])

    def state(self, call_id):
        rows = self.box.query("select to_state from call_journal where call_key = ? order by seq desc limit 1", call_id)
        return rows[0]["to_state"] if rows else None

    def stop(self):
        self.box.stop()
        self.graph.stop()


# Two baresip 1.0.0 instances calling each other on 127.0.0.1, as close to the box's call as
# its modules allow:
# - SIP over UDP on 127.0.0.1 (`sip_listen`, `net_interface 127.0.0.1` keeps RTP on
#   loopback too), no registrar (`regint=0`); B answers by itself (`answermode=auto`), A
#   dials B with `-e "/dial …"` (the `menu` module provides /dial; its status line is off).
# - Opus only (baresip names its mono codec opus/48000/1; the SDP says opus/48000/2 as
#   RFC 7587 wants), 48 kHz, 20 ms, mono on the wire (`opus_stereo no`, `opus_sprop_stereo no`),
#   24 kb/s, complexity 5, in-band FEC on with 10 % expected loss, no DTX: the box's encoder
#   settings (OpusEncoder.swift). Its offer reads `a=fmtp:96 stereo=0;sprop-stereo=0;
#   maxaveragebitrate=24000;useinbandfec=1;usedtx=0` (seen with `baresip -s`).
# - DTLS-SRTP (`mediaenc=dtls_srtp`, module dtls_srtp, AES_CM_128_HMAC_SHA1_80 negotiated);
#   no ICE (the box runs ICE, whose consent checks every few seconds cost next to nothing).
# - Audio: `ausine` plays a 440 Hz tone as the microphone; ausine only produces stereo, so
#   the source is 2 channels that baresip's resampler downmixes for the mono encoder. No player module
#   is loaded (1.0.0's aufile cannot play, and ALSA's null device does not pace a player
#   thread, which would then spin): baresip decodes every packet (opus_decode in its
#   receive path) but plays nowhere, so its figure leaves out playback the box does.
BARESIP_CONFIG = """poll_method epoll
sip_listen 127.0.0.1:{port}
net_interface 127.0.0.1
rtp_ports {rtp_low}-{rtp_high}
audio_source ausine,440
audio_alert ausine,440
ausrc_srate 48000
ausrc_channels 2
auplay_srate 48000
module_path /usr/lib/baresip/modules
module menu.so
module opus.so
module ausine.so
module dtls_srtp.so
module_app account.so
statmode_default off
opus_bitrate 24000
opus_stereo no
opus_sprop_stereo no
opus_inbandfec yes
opus_packet_loss 10
opus_complexity 5
opus_application voip
opus_dtx no
"""
BARESIP_ACCOUNT = "<sip:{user}@127.0.0.1:{port}>;regint=0;audio_codecs=opus/48000/1;mediaenc=dtls_srtp;ptime=20{extra}\n"


def sip_port():
    """A port whose successor is free too: baresip also listens for SIP over TCP on the port
    and for SIP over TLS on the next one."""
    for _ in range(50):
        port = free_port()
        try:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                for candidate in (port, port + 1):
                    with socket.socket(socket.AF_INET, kind) as probe:
                        probe.bind(("127.0.0.1", candidate))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of ports for baresip")


def baresip_instance(work, user, port, rtp_low, extra=""):
    folder = os.path.join(work, f"baresip-{user}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config"), "w") as f:
        f.write(BARESIP_CONFIG.format(port=port, rtp_low=rtp_low, rtp_high=rtp_low + 10))
    with open(os.path.join(folder, "accounts"), "w") as f:
        f.write(BARESIP_ACCOUNT.format(user=user, port=port, extra=extra))
    return folder


def start_baresip(folder, *arguments):
    log = os.path.join(folder, "baresip.log")
    return subprocess.Popen(["baresip", "-f", folder, *arguments], stdin=subprocess.DEVNULL,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT), log


def log_has(path, text):
    with open(path) as f:
        return text in f.read()


def baresip_call(work, seconds):
    """Idle and in-call figures of both baresip instances over the same window."""
    port_a = sip_port()
    port_b = sip_port()
    while abs(port_b - port_a) < 2:
        port_b = sip_port()
    a = baresip_instance(work, "a", port_a, 31000)
    b = baresip_instance(work, "b", port_b, 31100, extra=";answermode=auto")
    callee, callee_log = start_baresip(b)
    idle_caller, _ = start_baresip(a)
    time.sleep(SETTLE_SECONDS)
    idle = {"a": read_status(idle_caller.pid), "b": read_status(callee.pid)}
    # The caller dials at start (-e), so its idle figure comes from the same config without it.
    idle_caller.terminate()
    idle_caller.wait()
    caller, caller_log = start_baresip(a, "-e", f"/dial sip:b@127.0.0.1:{port_b}")
    try:
        for log in (caller_log, callee_log):
            wait_for(lambda: log_has(log, "incoming rtp for 'audio' established"), timeout=15, what="baresip audio")
        time.sleep(SETTLE_SECONDS)
        figures = measure_call([caller.pid, callee.pid], seconds)
        profile = "?"
        with open(caller_log) as f:
            match = re.search(r"DTLS-SRTP complete \(audio/RTP\) Profile=(\S+)", f.read())
            profile = match.group(1) if match else "none"
    finally:
        for process in (caller, callee):
            process.terminate()
            process.wait()
    return idle, {"a": figures[caller.pid], "b": figures[callee.pid]}, profile


def handset(binary):
    work = tempfile.mkdtemp(prefix="callbox-handset-")
    call_id = "wacid.BENCHCALL"
    station = HandsetBox(binary, work, mic_seconds=CALL_SECONDS + 30)
    try:
        time.sleep(SETTLE_SECONDS)
        box_idle = read_status(station.pid)
        phone = station.answer(call_id)
        time.sleep(SETTLE_SECONDS)
        box_call = measure_call([station.pid], CALL_SECONDS)[station.pid]
        quality = station.hang_up(call_id, phone)
    finally:
        station.stop()
    bs_idle, bs_call, profile = baresip_call(work, CALL_SECONDS)

    print(f"one call for {CALL_SECONDS} s on 127.0.0.1, measured after {SETTLE_SECONDS} s of media; "
          f"CPU = utime+stime of the whole process (/proc/PID/stat), RSS = largest of samples every "
          f"{RSS_SAMPLE_SECONDS} s; idle = before the call")
    print(f"callbox: release --static-swift-stdlib, simulated board (ALSA file plugin, 20 ms periods), "
          f"inbound call answered off-hook, far end aiortc; SRTP {quality.get('srtp_profile', '?')}")
    print(f"baresip 1.0.0 A calls B: Opus 48 kHz mono 20 ms FEC, DTLS-SRTP {profile}, ausine source, no player")
    print(f"{'':26}{'CPU %':>8}{'ms CPU/s':>10}{'VmRSS kB':>10}{'RssAnon kB':>12}{'idle VmRSS':>12}{'idle RssAnon':>14}")
    rows = [("callbox (one endpoint)", box_call, box_idle),
            ("baresip A (caller)", bs_call["a"], bs_idle["a"]),
            ("baresip B (callee)", bs_call["b"], bs_idle["b"])]
    for name, figures, idle in rows:
        print(f"{name:26}{figures['cpu_percent']:>8.2f}{figures['cpu_ms_per_s']:>10.2f}{figures['VmRSS']:>10}"
              f"{figures['RssAnon']:>12}{idle['VmRSS']:>12}{idle['RssAnon']:>14}")
    for name, figures, _ in rows:
        shares = ", ".join(f"{thread} {share:.2f}" for thread, share in sorted(figures["threads"].items()) if share >= 0.005)
        print(f"  {name} CPU % by thread name: {shares}")
    print("  (callbox-audio: ALSA, Opus encode/decode, jitter buffer; callbox: the media thread (ICE, DTLS, SRTP, "
          "RTCP, UDP) and the idle HTTP threads; baresip: its audio source thread, which also encodes and sends; "
          "main: the event loop, which receives, unprotects and decodes in baresip)")
    baresip_cpu = (bs_call["a"]["cpu_percent"] + bs_call["b"]["cpu_percent"]) / 2
    ratio = box_call["cpu_percent"] / baresip_cpu if baresip_cpu else 0
    print(f"CPU per endpoint: callbox {box_call['cpu_percent']:.2f} % vs baresip {baresip_cpu:.2f} % (mean of A and B): "
          f"ratio {ratio:.2f} (goal ≤ 0.50)")
    print_latency(quality)


def print_latency(quality):
    """The box's own delay per direction, from the call record (medians over the call)."""
    print("== One-way delay the box adds (call record's quality JSON; medians over the call, jitter target apart)")
    print(f"{'':34}{'p50 ms':>8}{'p99 ms':>8}")
    print(f"{'capture period (fixed)':34}{quality['capture_period_ms']:>8}{'':>8}")
    print(f"{'captured() → SRTP sent':34}{quality['capture_to_send_p50_ms']:>8}{quality['capture_to_send_p99_ms']:>8}")
    print(f"{'  capture → wire':34}{quality['capture_to_wire_ms']:>8}{'':>8}   goal ≤ 30")
    print(f"{'arrival → render took it':34}{quality['arrival_to_render_p50_ms']:>8}{quality['arrival_to_render_p99_ms']:>8}")
    print(f"{'decode (jitter buffer pull)':34}{quality['decode_p50_ms']:>8}{quality['decode_p99_ms']:>8}")
    print(f"{'playback lead (fixed, pacing)':34}{quality['playback_lead_ms']:>8}{'':>8}")
    print(f"{'  wire → playback':34}{quality['wire_to_playback_ms']:>8}{'':>8}   goal ≤ 30")
    print(f"{'jitter target (apart, final)':34}{quality['playout_delay_ms']:>8}")
    print("decode is 0.1 ms buckets: '0.1' means under 0.1 ms. On a board paced by its sound card the "
          "audio thread keeps one more period ahead of the earpiece: wire → playback + "
          f"{quality['capture_period_ms']} ms there.")


def offhook(binary):
    work = tempfile.mkdtemp(prefix="callbox-offhook-")
    station = HandsetBox(binary, work, mic_seconds=OFFHOOK_CALLS * (OFFHOOK_CALL_SECONDS + 10))
    delays = []
    try:
        for index in range(OFFHOOK_CALLS):
            call_id = f"wacid.BENCHHOOK{index}"
            phone = station.answer(call_id)
            time.sleep(OFFHOOK_CALL_SECONDS)
            delays.append(station.hang_up(call_id, phone).get("offhook_to_first_audio_ms"))
            time.sleep(0.5)
    finally:
        station.stop()
    measured = sorted(d for d in delays if d is not None)
    print(f"{OFFHOOK_CALLS} inbound calls: the box reads `offhook` from the hook FIFO → it renders the first frame "
          f"from a packet (call record's offhook_to_first_audio_ms). Includes the answer SDP, pre_accept to the fake "
          f"Graph, this script relaying the answer to aiortc (polled every 2 ms), ICE and DTLS with aiortc, accept, "
          f"and the jitter buffer filling to its 40 ms start")
    if measured:
        print(f"{'':20}{'min ms':>8}{'median ms':>11}{'max ms':>8}")
        print(f"{'off-hook → audio':20}{measured[0]:>8.1f}{measured[len(measured) // 2]:>11.1f}{measured[-1]:>8.1f}")
    print("each call:", ", ".join("none" if d is None else f"{d:.1f}" for d in delays))


if __name__ == "__main__":
    {"intake": intake, "memory": memory, "comms": comms, "handset": handset, "offhook": offhook}[sys.argv[1]](sys.argv[2])
