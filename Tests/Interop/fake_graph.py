"""A fake of Meta's Graph API for the box's tests: real HTTP on loopback.

It checks every request against ../shared/specs/whatsapp-cloud-api.md §3, §4, §7, §8
(path, version, bearer token, JSON body) and answers as Meta does, including Meta's
error envelope. Every request is recorded, valid or not, so tests can assert on exactly
what the box sent and how often.
"""
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler

from loopback_server import LoopbackServer

CALL_ACTIONS = {"connect", "pre_accept", "accept", "reject", "terminate"}

DAY = 86400
# Spec §4.5: 1 permission request per 24 h and 2 per 7 days per business + user pair.
REQUESTS_PER_DAY = 1
REQUESTS_PER_WEEK = 2
# Spec §4.4: 5 call_permissions GETs per 1-second window, then 613 (HTTP 429).
PERMISSION_GETS_PER_SECOND = 5
# Spec §4.5: at most 100 connected business-initiated calls per rolling 24 h.
CONNECTED_CALLS_PER_DAY = 100


class GraphRequest:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None
        self.problems = []
        # When the answer was on its way back (time.monotonic()).
        self.answered_at = None

    @property
    def action(self):
        return (self.json or {}).get("action")

    def __repr__(self):
        return f"GraphRequest({self.method} {self.path} {self.json!r} problems={self.problems})"


def meta_error(code, message, http_status=400, details=None, subcode=None):
    error = {"message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
             "fbtrace_id": "AfakeTrace123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return http_status, {"error": error}


# A business-scoped user id (spec §9, §11.4): `CC.` and up to 128 alphanumerics; parents `CC.ENT.…`.
BSUID = re.compile(r"[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}")


def addressee(fields, problems, what, phone_key="to"):
    """Whom a request is for (spec §11.4): `to` digits, or `recipient` with a BSUID when no
    phone is known; `to` wins when both are present. Returns the key permissions are kept under."""
    to, recipient = fields.get(phone_key), fields.get("recipient")
    if to is not None:
        if not re.fullmatch(r"\d{6,20}", str(to)):
            problems.append(f"{what} needs '{phone_key}' digits, got {to!r}")
        return str(to)
    if recipient is not None:
        if not BSUID.fullmatch(str(recipient)):
            problems.append(f"{what} 'recipient' must be a BSUID, got {recipient!r}")
        return str(recipient)
    problems.append(f"{what} needs '{phone_key}' digits or a 'recipient' BSUID")
    return ""


def check_sdp(sdp, expected_type, problems):
    if not isinstance(sdp, str):
        problems.append("session.sdp is not a string")
        return
    if sdp.lstrip().startswith("{"):
        problems.append("session.sdp looks JSON-encoded twice")
    if not sdp.startswith("v=0\r\n"):
        problems.append("SDP does not start with v=0 CRLF")
    if "\n" in sdp.replace("\r\n", ""):
        problems.append("SDP has bare LF line ends")
    fingerprints = [line for line in sdp.split("\r\n") if line.startswith("a=fingerprint:")]
    if len(fingerprints) != 1 or not fingerprints[0].startswith("a=fingerprint:sha-256 "):
        problems.append(f"SDP must carry exactly one sha-256 fingerprint, has {fingerprints}")
    if expected_type == "answer" and "a=ice-lite" in sdp:
        problems.append("a business answer must not be ice-lite")


class FakeGraph(LoopbackServer):
    def __init__(self, phone_number_id="301234567890123", token="test-access-token", version="v24.0"):
        self.phone_number_id = phone_number_id
        self.token = token
        self.version = version
        self.requests = []
        self.lock = threading.Lock()
        self.next_call = 1
        self.next_message = 1
        # Tests push (status, body) here to make the next call action fail as Meta would.
        self.scripted = []
        # What Meta holds per user (wa_id): {"status": "temporary"|"permanent", "expiration_time": unix s}.
        self.permissions = {}
        # Accepted permission requests per user (unix seconds), for Meta's own limits.
        self.permission_requests = {}
        # When call_permissions GETs arrived (time.monotonic()), for the 613 limit.
        self.permission_gets = []
        self.clock = time.time
        self.delay_seconds = 0.0
        LoopbackServer.__init__(self, self._handler())

    def calls(self, action=None):
        with self.lock:
            return [r for r in self.requests
                    if r.path.endswith("/calls") and (action is None or r.action == action)]

    def messages(self, interactive_type=None):
        with self.lock:
            return [r for r in self.requests if r.path.split("?")[0].endswith("/messages") and
                    (interactive_type is None or ((r.json or {}).get("interactive") or {}).get("type") == interactive_type)]

    def permission_queries(self):
        with self.lock:
            return [r for r in self.requests if r.path.split("?")[0].endswith("/call_permissions")]

    def grant(self, wa_id, status="temporary", expiration=None):
        """Meta now holds this permission (the user granted it from the business profile)."""
        with self.lock:
            if status == "no_permission":
                self.permissions.pop(wa_id, None)
            elif status == "temporary":
                self.permissions[wa_id] = {"status": status,
                                           "expiration_time": expiration or int(self.clock()) + 7 * DAY}
            else:
                self.permissions[wa_id] = {"status": status}

    def all_problems(self):
        with self.lock:
            return [(r.path, r.json, p) for r in self.requests for p in r.problems]

    def answer(self, request):
        """Validates one request; returns (status, body) as Meta would."""
        problems = request.problems
        auth = request.headers.get("Authorization", "")
        if auth != f"Bearer {self.token}":
            problems.append(f"bad Authorization header {auth!r}")
            return meta_error(190, "Invalid OAuth access token.", 401)
        match = re.fullmatch(r"/(v\d+\.\d+)/(\d+)/(calls|messages|call_permissions)", request.path.split("?")[0])
        if not match:
            problems.append(f"unknown path {request.path}")
            return meta_error(100, "Unknown path components", 400)
        version, number, kind = match.groups()
        if version != self.version:
            problems.append(f"version {version}, expected {self.version}")
        if number != self.phone_number_id:
            problems.append(f"phone number id {number}, expected {self.phone_number_id}")
            return meta_error(100, "Invalid parameter", 400)
        if request.method == "POST" and request.headers.get("Content-Type", "").split(";")[0] != "application/json":
            problems.append("POST without Content-Type application/json")
        if kind == "calls":
            return self.answer_call_action(request)
        if kind == "messages":
            return self.answer_message(request)
        return self.answer_permission_query(request)

    def permission_of(self, wa_id):
        permission = self.permissions.get(wa_id)
        if permission and permission["status"] == "temporary" and permission["expiration_time"] <= self.clock():
            permission = None
        return permission or {"status": "no_permission"}

    def request_limits(self, wa_id):
        """Meta's `send_call_permission_request` limits now (spec §4.4): (limits, can_send)."""
        now = self.clock()
        times = [t for t in self.permission_requests.get(wa_id, []) if t > now - 7 * DAY]
        day = [t for t in times if t > now - DAY]
        daily = {"time_period": "PT24H", "max_allowed": REQUESTS_PER_DAY, "current_usage": len(day)}
        weekly = {"time_period": "P7D", "max_allowed": REQUESTS_PER_WEEK, "current_usage": len(times)}
        if len(day) >= REQUESTS_PER_DAY:
            daily["limit_expiration_time"] = int(day[-REQUESTS_PER_DAY] + DAY)
        if len(times) >= REQUESTS_PER_WEEK:
            weekly["limit_expiration_time"] = int(times[-REQUESTS_PER_WEEK] + 7 * DAY)
        return [daily, weekly], len(day) < REQUESTS_PER_DAY and len(times) < REQUESTS_PER_WEEK

    def answer_permission_query(self, request):
        problems = request.problems
        if request.method != "GET":
            problems.append("call_permissions is a GET")
            return meta_error(100, "Invalid parameter", 400)
        now = time.monotonic()
        self.permission_gets = [t for t in self.permission_gets if t > now - 1.0]
        self.permission_gets.append(now)
        if len(self.permission_gets) > PERMISSION_GETS_PER_SECOND:
            return meta_error(613, "Calls to this api have exceeded the rate limit.", 429)
        query = dict(pair.split("=", 1) for pair in request.path.partition("?")[2].split("&") if "=" in pair)
        wa_id = addressee(query, problems, "call_permissions", phone_key="user_wa_id")
        if problems:
            return meta_error(100, "Invalid parameter", 400, details="user_wa_id")
        permission = self.permission_of(wa_id)
        limits, can_send = self.request_limits(wa_id)
        return 200, {"messaging_product": "whatsapp", "permission": permission, "actions": [
            {"action_name": "send_call_permission_request",
             "can_perform_action": can_send and permission["status"] != "permanent", "limits": limits},
            {"action_name": "start_call", "can_perform_action": permission["status"] != "no_permission",
             "limits": [{"time_period": "PT24H", "max_allowed": CONNECTED_CALLS_PER_DAY, "current_usage": 0}]}]}

    def answer_permission_request(self, request):
        """The interactive call_permission_request (spec §4.2) under Meta's own limits (§4.5)."""
        body, problems = request.json, request.problems
        interactive = body.get("interactive")
        if not isinstance(interactive, dict):
            problems.append("interactive message without an interactive object")
            return meta_error(100, "Invalid parameter", 400)
        if body.get("recipient_type") != "individual":
            problems.append("recipient_type must be individual")
        if interactive.get("type") != "call_permission_request":
            problems.append(f"interactive.type {interactive.get('type')!r}")
        if (interactive.get("action") or {}).get("name") != "call_permission_request":
            problems.append("interactive.action.name must be call_permission_request")
        for part in ("header", "footer"):
            if part in interactive:
                problems.append(f"free-form call_permission_request cannot carry a {part}")
        if "body" in interactive and not isinstance((interactive["body"] or {}).get("text"), str):
            problems.append("interactive.body.text must be a string")
        to = addressee(body, problems, "a permission request")
        if problems:
            return meta_error(100, "Invalid parameter", 400, details="; ".join(problems))
        if self.permission_of(to)["status"] == "permanent":
            return meta_error(138017, "Permanent call permission already exists", 400)
        _, can_send = self.request_limits(to)
        if not can_send:
            return meta_error(138009, "Call permission request limit reached", 400)
        self.permission_requests.setdefault(to, []).append(self.clock())
        return None

    def answer_call_action(self, request):
        body, problems = request.json, request.problems
        if request.method != "POST" or not isinstance(body, dict):
            problems.append("call action must be a POST with a JSON object")
            return meta_error(100, "Invalid parameter", 400)
        if body.get("messaging_product") != "whatsapp":
            problems.append("messaging_product must be whatsapp")
        action = body.get("action")
        if action not in CALL_ACTIONS:
            problems.append(f"unknown action {action!r}")
            return meta_error(100, "Invalid parameter", 400, details="action")
        if "connection" in body:
            problems.append("legacy connection.webrtc parameter used")
        if action == "connect":
            callee = addressee(body, problems, "connect")
            session = body.get("session") or {}
            if session.get("sdp_type") != "offer":
                problems.append("connect session.sdp_type must be offer")
            check_sdp(session.get("sdp"), "offer", problems)
        else:
            if not str(body.get("call_id", "")).startswith("wacid."):
                problems.append(f"{action} needs a wacid call_id")
            if action in ("pre_accept", "accept"):
                session = body.get("session") or {}
                if session.get("sdp_type") != "answer":
                    problems.append(f"{action} session.sdp_type must be answer")
                check_sdp(session.get("sdp"), "answer", problems)
                if action == "accept":
                    earlier = [r for r in self.requests if r.action == "pre_accept"
                               and r.json.get("call_id") == body.get("call_id")]
                    if earlier and earlier[-1].json["session"]["sdp"] != session.get("sdp"):
                        problems.append("accept SDP differs from pre_accept SDP")
                        return meta_error(100, "Invalid parameter", 400, details="SDP mismatch with pre-accept")
            elif "session" in body:
                problems.append(f"{action} carries a session it should not")
        if self.scripted:
            return self.scripted.pop(0)
        if problems:
            return meta_error(100, "Invalid parameter", 400, details="; ".join(problems))
        if action == "connect" and self.permission_of(callee)["status"] == "no_permission":
            return meta_error(138006, "No approved call permission found", 401)
        if action == "connect":
            call_id = f"wacid.FAKE{self.next_call:08d}"
            self.next_call += 1
            return 200, {"messaging_product": "whatsapp", "calls": [{"id": call_id}]}
        return 200, {"messaging_product": "whatsapp", "success": True}

    def answer_message(self, request):
        body, problems = request.json, request.problems
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            problems.append("messages need messaging_product whatsapp")
            return meta_error(100, "Invalid parameter", 400)
        if self.scripted:
            return self.scripted.pop(0)
        if body.get("type") == "interactive":
            refused = self.answer_permission_request(request)
            if refused:
                return refused
        wamid = f"wamid.FAKE{self.next_message:08d}"
        self.next_message += 1
        to = addressee(body, problems, "a message")
        if problems:
            return meta_error(100, "Invalid parameter", 400, details="; ".join(problems))
        # Sent to a BSUID, Meta answers with the user id and no wa_id (corpus: graph-messages-send-response-bsuid-only).
        contact = {"input": to, "wa_id": to} if "to" in body else {"input": to, "user_id": to}
        return 200, {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = GraphRequest(self.command, self.path, dict(self.headers), body)
                with fake.lock:
                    fake.requests.append(request)
                    status, payload = fake.answer(request)
                if fake.delay_seconds:
                    threading.Event().wait(fake.delay_seconds)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                request.answered_at = time.monotonic()

            do_GET = _serve
            do_POST = _serve

        return Handler
