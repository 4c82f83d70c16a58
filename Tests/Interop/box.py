"""Starts the real callbox binary on a config written for the test, and talks to it."""
import base64
import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import meta

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CALLBOX_BIN", os.path.join(REPO, ".build", "debug", "callbox"))

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"

# Every box has this agent; `Box.login()` signs in as them.
AGENT_NAME = "interop"
AGENT_EMAIL = "agent@interop.example"
AGENT_PASSWORD = "interop-password"


def password_hash(password, salt=b"interop-salt-16b"):
    """The value `callbox hash-password` prints: scrypt N=16384 r=8 p=1, 32 bytes."""
    derived = hashlib.scrypt(password.encode(), salt=salt, n=16384, r=8, p=1, maxmem=64 << 20, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(derived).decode()}"


AGENT_HASH = password_hash(AGENT_PASSWORD)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Box:
    def __init__(self, folder, graph_url, extra=None, max_calls=4, ring_timeout="5s", without=(), hubspot_token=None):
        """`extra` adds or overrides keys by section; `without` drops (section, key) pairs,
        or a whole section for (section, None); `hubspot_token` goes into the secrets file."""
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)
        self.port = free_port()
        self.data_dir = os.path.join(self.folder, "data")
        self.config_path = os.path.join(self.folder, "callbox.conf")
        secrets_path = os.path.join(self.folder, "secrets.conf")
        with open(secrets_path, "w") as f:
            f.write(f"whatsapp_access_token = {ACCESS_TOKEN}\n"
                    f"whatsapp_app_secret = {APP_SECRET}\n"
                    f"whatsapp_verify_token = {VERIFY_TOKEN}\n")
            if hubspot_token:
                f.write(f"hubspot_access_token = {hubspot_token}\n")
        os.chmod(secrets_path, 0o600)
        sections = {
            "box": {"name": "interop", "data_dir": "data", "max_calls": str(max_calls),
                    "secrets": "secrets.conf", "board": "simulated"},
            "http": {"listen": f"127.0.0.1:{self.port}",
                     "max_body": "64KiB"},
            "whatsapp": {"phone_number_id": meta.PHONE_NUMBER_ID, "business_number": meta.BUSINESS_NUMBER,
                         "graph_url": graph_url, "graph_version": "v24.0"},
            "routing": {"ring_timeout": ring_timeout, "owner_first": "2s"},
            "media": {"addresses": "127.0.0.1"},
            "dev": {"call_control": "on"},
            f"agent {AGENT_NAME}": {"email": AGENT_EMAIL, "password_hash": AGENT_HASH},
        }
        for section, values in (extra or {}).items():
            sections.setdefault(section, {}).update(values)
        for section, key in without:
            if key is None:
                sections.pop(section)
            else:
                sections[section].pop(key)
        with open(self.config_path, "w") as f:
            for section, values in sections.items():
                f.write(f"[{section}]\n")
                for key, value in values.items():
                    f.write(f"{key} = {value}\n")
                f.write("\n")
        self.process = None
        self.log_path = os.path.join(self.folder, "box.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([BINARY, "run", "--config", self.config_path],
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"callbox exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"callbox did not become healthy:\n{self.log()}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)
        except urllib.error.URLError:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"callbox died with {self.process.returncode}; its log ends:\n{self.log()[-6000:]}")
            raise

    def get(self, path):
        return self.request("GET", path)

    def post_json(self, path, payload):
        import json
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def deliver(self, payload, secret=APP_SECRET, body=None):
        body = body if body is not None else meta.body_of(payload)
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Hub-Signature-256"] = meta.signature(body, secret)
        return self.request("POST", "/webhook", body, headers)

    def login(self, email=AGENT_EMAIL, password=AGENT_PASSWORD):
        """Signs in; the returned session sends the cookie and, on changes, the CSRF token."""
        status, body, headers = self.post_json("/api/login", {"email": email, "password": password})
        assert status == 200, (status, body)
        cookie = headers["Set-Cookie"].split(";")[0]
        return AgentSession(self, cookie, json.loads(body)["csrf_token"])

    def db(self):
        connection = sqlite3.connect(os.path.join(self.data_dir, "callbox.db"), timeout=5)
        connection.row_factory = sqlite3.Row
        return connection

    def query(self, sql, *args):
        with self.db() as connection:
            return [dict(row) for row in connection.execute(sql, args)]

    def metrics(self):
        status, body, _ = self.get("/metrics")
        assert status == 200
        values = {}
        for line in body.decode().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values


class AgentSession:
    """A signed-in widget: `request` answers (status, parsed JSON or raw bytes, headers)."""

    def __init__(self, box, cookie, csrf_token):
        self.box = box
        self.cookie = cookie
        self.csrf_token = csrf_token

    def request(self, method, path, payload=None, csrf=True):
        headers = {"Cookie": self.cookie}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf_token
        status, raw, response_headers = self.box.request(method, path, body, headers)
        try:
            return status, json.loads(raw), response_headers
        except ValueError:
            return status, raw, response_headers

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, payload=None):
        return self.request("POST", path, payload if payload is not None else {})


def wait_for(condition, timeout=10, interval=0.05, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
