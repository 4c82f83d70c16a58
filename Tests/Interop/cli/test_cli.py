"""The `callbox` command line as installers and operators use it."""
import json
import os
import socket
import ssl
import subprocess
import urllib.request

import slowloris
from box import AGENT_EMAIL, AGENT_PASSWORD, BINARY, REPO, Box, wait_for


def callbox(*args, stdin=None, cwd=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60)


def test_check_config_passes_the_shipped_files_and_names_file_and_line_of_each_problem(tmp_path):
    ok = callbox("check-config", os.path.join(REPO, "Provisioning", "demo.conf"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "callbox.conf"
    bad.write_text("[box]\nname = x\ndata_dir = data\nmax_calls = many\n\n[routing]\nring_timout = 30s\n"
                   "[http]\nlisten = 127.0.0.1:8080\n[whatsapp]\ngraph_url = sandbox\n")
    result = callbox("check-config", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{bad}:4: ") and "max_calls" in line for line in lines), lines
    assert any(line.startswith(f"{bad}:7: ") and "did you mean 'ring_timeout'" in line for line in lines), lines


def test_run_refuses_an_invalid_config_with_the_same_messages(tmp_path):
    bad = tmp_path / "callbox.conf"
    bad.write_text("[box]\nname = x\n")
    result = callbox("run", "--config", str(bad))
    assert result.returncode == 1
    assert f"{bad}:1: " in result.stderr
    assert "refusing to start" in result.stderr


def test_a_secrets_file_readable_by_others_is_refused_without_showing_its_values(tmp_path, graph):
    box = Box(tmp_path / "box", graph.url)
    secrets = os.path.join(box.folder, "secrets.conf")
    os.chmod(secrets, 0o644)
    result = callbox("check-config", box.config_path)
    assert result.returncode == 1
    assert "chmod 600" in result.stdout
    assert "test-app-secret" not in result.stdout + result.stderr


def test_hash_password_makes_a_hash_the_config_accepts(tmp_path):
    result = callbox("hash-password", stdin="s3cret-pass\n")
    assert result.returncode == 0
    value = result.stdout.strip()
    assert value.startswith("scrypt$16384$8$1$")
    assert "s3cret-pass" not in value
    assert callbox("hash-password", stdin="s3cret-pass\n").stdout.strip() != value, "a fresh salt each time"
    config = open(os.path.join(REPO, "Provisioning", "demo.conf")).read()
    config = config.replace("data_dir = demo-data", f"data_dir = {tmp_path}/data")
    config = "\n".join(line if not line.startswith("password_hash") else f"password_hash = {value}"
                       for line in config.splitlines())
    path = tmp_path / "with-hash.conf"
    path.write_text(config + "\n")
    assert callbox("check-config", str(path)).returncode == 0


def test_simulate_and_journal_show_a_call_ringing_then_missed(make_box, graph):
    box = make_box(ring_timeout="5s")
    result = callbox("simulate", "--config", box.config_path, "incoming-call", "--from", "+34 600 111 222")
    assert result.returncode == 0, result.stderr
    call_id = result.stdout.split()[2]
    assert call_id.startswith("wacid.SIM")
    wait_for(lambda: call_id in callbox("journal", "--config", box.config_path, "open").stdout, what="ringing")
    wait_for(lambda: call_id in callbox("journal", "--config", box.config_path).stdout, timeout=15, what="missed")
    listing = callbox("journal", "--config", box.config_path).stdout
    assert "missed" in listing and "34600111222" in listing
    detail = callbox("journal", "--config", box.config_path, "call", call_id).stdout
    assert "· → ringing" in detail and "ringing → missed" in detail and "ring_timeout" in detail
    assert len(graph.calls("reject")) == 1


def test_simulate_answer_and_hangup_drive_a_call_through_the_box(make_box, graph):
    box = make_box()
    call_id = callbox("simulate", "--config", box.config_path, "incoming-call").stdout.split()[2]
    wait_for(lambda: call_id in callbox("journal", "--config", box.config_path, "open").stdout)
    assert callbox("simulate", "--config", box.config_path, "answer", call_id).returncode == 0
    wait_for(lambda: len(graph.calls("accept")) == 1, what="accept")
    assert callbox("simulate", "--config", box.config_path, "hangup", call_id).returncode == 0
    wait_for(lambda: graph.calls("terminate"), what="terminate")
    assert graph.all_problems() == []


def test_an_undecodable_delivery_can_be_reprocessed(box):
    box.deliver(None, body=b'{"object":"whatsapp_business_account","entry":{}}')
    wait_for(lambda: box.query("select state from inbox")[0]["state"] == "undecodable")
    inbox = callbox("journal", "--config", box.config_path, "inbox").stdout
    assert "1 undecodable" in inbox and "entry" in inbox
    assert callbox("journal", "--config", box.config_path, "reprocess", "all").returncode == 0
    # The running box picks it up again within its rescan period; it is still undecodable,
    # but it was tried a second time.
    wait_for(lambda: box.query("select attempts, state from inbox")[0] == {"attempts": 1, "state": "undecodable"},
             timeout=15, what="reprocessed")


TLS_FIXTURES = os.path.join(REPO, "Tests", "Fixtures", "tls")


def start_tls_box(tmp_path, graph):
    """A box serving HTTPS with the test certificate, its key kept 0600 (check-config refuses a
    key others can read); returns it once /healthz answers over TLS."""
    key = tmp_path / "test-key.pem"
    key.write_bytes(open(os.path.join(TLS_FIXTURES, "test-key.pem"), "rb").read())
    os.chmod(key, 0o600)
    box = Box(tmp_path / "tls", graph.url, extra={"http": {
        "tls_cert": os.path.join(TLS_FIXTURES, "test-cert.pem"), "tls_key": str(key)}})
    text = open(box.config_path).read().replace("[http]\n", f"[http]\npublic_url = https://127.0.0.1:{box.port}\n")
    open(box.config_path, "w").write(text)
    box.process = subprocess.Popen([BINARY, "run", "--config", box.config_path],
                                   stdout=open(box.log_path, "w"), stderr=subprocess.STDOUT)
    context = ssl.create_default_context(cafile=os.path.join(TLS_FIXTURES, "test-cert.pem"))

    def healthy():
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{box.port}/healthz", context=context, timeout=2) as r:
                return r.status == 200 and r.headers["Strict-Transport-Security"] == "max-age=31536000"
        except OSError:
            return False
    try:
        wait_for(healthy, what="HTTPS health check with HSTS")
    except AssertionError:
        box.stop()
        raise
    return box


def test_a_tls_handshake_trickled_a_byte_a_second_is_cut_at_the_head_deadline(tmp_path, graph):
    box = start_tls_box(tmp_path, graph)
    try:
        # A TLS record header announcing a ClientHello, then the hello a byte at a time.
        cut = slowloris.seconds_until_cut(box.port, b"\x16\x03\x01\x02\x00\x01")
        assert cut is not None and 9 <= cut <= 13, cut
    finally:
        box.stop()


def test_the_box_serves_https_with_the_configured_certificate(tmp_path, graph):
    start_tls_box(tmp_path, graph).stop()


def handshake(box, *options):
    """What `openssl s_client` negotiates with these options: (protocol, cipher), or None."""
    # Debian's openssl.cnf sets MinProtocol TLSv1.2 for clients; without it the client offers
    # whatever the options say, so a refusal is the box's.
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{box.port}", "-brief", *options],
                            input="", capture_output=True, text=True, timeout=20,
                            env={**os.environ, "OPENSSL_CONF": "/dev/null"})
    text = result.stdout + result.stderr
    protocol = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Protocol version")), None)
    cipher = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Ciphersuite")), None)
    return (protocol, cipher) if protocol else None


def test_tls_is_1_2_or_1_3_with_forward_secret_aead_suites_only(tmp_path, graph):
    """The box's TLS policy (issue 10 item 2), probed with OpenSSL as a client."""
    box = start_tls_box(tmp_path, graph)
    try:
        legacy = "DEFAULT@SECLEVEL=0"
        assert handshake(box, "-tls1", "-cipher", legacy) is None, "TLS 1.0 is negotiated"
        assert handshake(box, "-tls1_1", "-cipher", legacy) is None, "TLS 1.1 is negotiated"
        assert handshake(box, "-tls1_3")[0] == "TLSv1.3"
        for suite in ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"):
            assert handshake(box, "-tls1_2", "-cipher", suite) == ("TLSv1.2", suite), suite
        for suite in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256", "AES256-SHA"):
            assert handshake(box, "-tls1_2", "-cipher", suite) is None, f"{suite} is negotiated"
    finally:
        box.stop()


def test_check_config_refuses_a_key_others_can_read_and_tokens_over_plain_http(tmp_path, graph):
    fixtures = TLS_FIXTURES
    key = tmp_path / "open-key.pem"
    key.write_bytes(open(os.path.join(fixtures, "test-key.pem"), "rb").read())
    os.chmod(key, 0o644)
    box = Box(tmp_path / "probe", graph.url, extra={
        "http": {"tls_cert": os.path.join(fixtures, "test-cert.pem"), "tls_key": str(key)},
        "hubspot": {"api_url": "http://api.hubapi.example"},
        "whatsapp": {"graph_url": "http://graph.example"}})
    result = subprocess.run([BINARY, "check-config", box.config_path], capture_output=True, text=True)
    assert result.returncode == 1
    assert "is readable by others or writable by group or others (mode 0644); run chmod 600" in result.stdout + result.stderr
    assert (result.stdout + result.stderr).count("plain http:// would send the access token in clear") == 2


def test_over_tls_a_closed_event_stream_gives_its_slot_back_at_once(tmp_path, graph):
    box = start_tls_box(tmp_path, graph)
    context = ssl.create_default_context(cafile=os.path.join(TLS_FIXTURES, "test-cert.pem"))
    base = f"https://127.0.0.1:{box.port}"
    try:
        login = urllib.request.Request(base + "/api/login", method="POST", headers={"Content-Type": "application/json"},
                                       data=json.dumps({"email": AGENT_EMAIL, "password": AGENT_PASSWORD}).encode())
        with urllib.request.urlopen(login, context=context, timeout=10) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]

        def open_stream():
            client = context.wrap_socket(socket.create_connection(("127.0.0.1", box.port), timeout=5), server_hostname="127.0.0.1")
            client.sendall(f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += client.recv(4096)
            return client, head.split(b"\r\n", 1)[0]

        def open_streams():
            with urllib.request.urlopen(base + "/metrics", context=context, timeout=5) as response:
                line = next(l for l in response.read().decode().splitlines() if l.startswith("callbox_event_streams "))
            return float(line.split()[1])

        streams = [open_stream() for _ in range(4)]
        assert [status for _, status in streams] == [b"HTTP/1.1 200 OK"] * 4
        streams[0][0].close()
        wait_for(lambda: open_streams() == 3, timeout=2, what="the TLS stream's slot given back")
        again, status = open_stream()
        assert status == b"HTTP/1.1 200 OK"
        for client in [again] + [client for client, _ in streams[1:]]:
            client.close()
    finally:
        box.stop()
