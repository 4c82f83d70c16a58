"""Process-level benchmarks: webhook intake under wrk against nginx, idle memory
against baresip. Prints figures; exits 0 whatever they are (benchmarks are not gates)."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Interop"))
import meta  # noqa: E402
from box import APP_SECRET, Box, free_port  # noqa: E402

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


def read_status(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                values[key] = int(rest.split()[0])
    return values


if __name__ == "__main__":
    {"intake": intake, "memory": memory}[sys.argv[1]](sys.argv[2])
