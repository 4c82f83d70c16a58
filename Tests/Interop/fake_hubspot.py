"""A fake of HubSpot's CRM REST API for the box's tests: real HTTP on loopback.

It checks what the box sends against ../shared/specs/hubspot-calling-extensions.md §9
(paths, bearer token, bodies, property names and units, association type ids) and
answers as HubSpot does. Contacts are seeded by the test; calls and communications the
box creates are kept so tests can count them (exactly one engagement per call).
Failures can be scripted: 500s, 429 with Retry-After, or a delay longer than the box's
timeout (an ambiguous failure: the object is created, the answer never arrives).
"""
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from loopback_server import LoopbackServer

# The private-app token the interop boxes are given, and the HubSpot owner id of the agent
# `ana` in the tests that route by contact owner.
TOKEN = "test-hubspot-token"
ANA_OWNER = "77"

CALL_STATUSES = {"BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED",
                 "IN_PROGRESS", "NO_ANSWER", "QUEUED", "RINGING"}
CALL_TO_CONTACT = 194
COMMUNICATION_TO_CONTACT = 81
# Spec §8.1: the calling-settings body (SettingsRequest) and its types; name and url are
# required when the settings are created.
SETTINGS_FIELDS = {"name": str, "url": str, "width": int, "height": int, "isReady": bool,
                   "supportsCustomObjects": bool, "supportsInboundCalling": bool,
                   "usesCallingWindow": bool, "usesRemote": bool}
# Spec §9.4 (2024-08-26): search limits.
MAX_FILTER_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 10, 25


class FakeHubSpot(LoopbackServer):
    def __init__(self, token="test-hubspot-token", developer_api_key="test-developer-key", app_id="5550001"):
        self.token = token
        self.developer_api_key = developer_api_key
        self.app_id = app_id
        self.calling_settings = {}  # app id -> the settings as HubSpot keeps them
        self.lock = threading.Lock()
        self.requests = []
        self.request_times = []   # time.time() of each entry in requests, for measuring gaps
        self.problems = []
        self.contacts = {}        # id -> properties
        self.calls = {}           # id -> {"properties", "associations"}
        self.communications = {}
        self.next_id = 1000
        self.scripted = []        # (status, body, headers) answered to the next writes
        self.stall_seconds = 0.0  # answer writes this late (after storing them)
        self.stall_creates_seconds = 0.0  # the same for creates of calls and communications only
        LoopbackServer.__init__(self, self._handler())

    def add_contact(self, phone=None, mobilephone=None, owner=None, firstname="Ana", lastname="Ruiz"):
        with self.lock:
            contact_id = str(self.next_id)
            self.next_id += 1
            self.contacts[contact_id] = {"phone": phone, "mobilephone": mobilephone, "hubspot_owner_id": owner,
                                         "firstname": firstname, "lastname": lastname, "hs_object_id": contact_id}
            return contact_id

    def problem(self, text):
        self.problems.append(text)

    # ---- validation helpers ------------------------------------------------------------

    def check_associations(self, body, type_id, what):
        associations = body.get("associations")
        if associations is None:
            return []
        targets = []
        for association in associations:
            target = (association.get("to") or {}).get("id")
            types = association.get("types") or []
            if not any(t.get("associationCategory") == "HUBSPOT_DEFINED" and t.get("associationTypeId") == type_id
                       for t in types):
                self.problem(f"{what} association must be HUBSPOT_DEFINED {type_id}, got {types}")
            if str(target) not in self.contacts:
                self.problem(f"{what} associated to unknown contact {target}")
            targets.append(str(target))
        return targets

    def check_call(self, properties):
        if "hs_timestamp" not in properties:
            self.problem("call without hs_timestamp")
        if properties.get("hs_call_direction") not in (None, "INBOUND", "OUTBOUND"):
            self.problem(f"bad hs_call_direction {properties.get('hs_call_direction')}")
        if properties.get("hs_call_status") not in (None, *CALL_STATUSES):
            self.problem(f"bad hs_call_status {properties.get('hs_call_status')}")
        duration = properties.get("hs_call_duration")
        if duration is not None:
            try:
                if int(duration) < 0:
                    self.problem("negative hs_call_duration")
            except (TypeError, ValueError):
                self.problem(f"hs_call_duration is not milliseconds: {duration!r}")

    def check_communication(self, properties):
        if properties.get("hs_communication_channel_type") != "WHATS_APP":
            self.problem("communication channel must be WHATS_APP")
        if properties.get("hs_communication_logged_from") != "CRM":
            self.problem("hs_communication_logged_from must be CRM")
        if "hs_timestamp" not in properties:
            self.problem("communication without hs_timestamp")

    # ---- routes ------------------------------------------------------------------------

    def answer(self, method, path, headers, body):
        settings_route = re.fullmatch(r"/crm/v3/extensions/calling/(\d+)/settings(\?.*)?", path)
        if settings_route:
            return self.settings(method, settings_route.group(1), settings_route.group(2) or "", headers, body)
        if headers.get("Authorization") != f"Bearer {self.token}":
            self.problem(f"bad Authorization {headers.get('Authorization')!r}")
            return 401, {"status": "error", "message": "Authentication credentials not found.",
                         "category": "INVALID_AUTHENTICATION"}, {}
        route = path.split("?")[0]
        if method == "POST" and route == "/crm/v3/objects/contacts/search":
            return self.search(body)
        match = re.fullmatch(r"/crm/v3/objects/contacts/(\d+)", route)
        if method == "GET" and match:
            contact = self.contacts.get(match.group(1))
            if contact is None:
                return 404, {"status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND"}, {}
            return 200, {"id": match.group(1), "properties": contact}, {}
        if method == "POST" and route in ("/crm/v3/objects/calls", "/crm/v3/objects/communications"):
            if self.scripted:
                return self.scripted.pop(0)
            return self.create(route.rsplit("/", 1)[1], body)
        if method == "POST" and route in ("/crm/v3/objects/calls/search", "/crm/v3/objects/communications/search"):
            return self.search_created(route.split("/")[4], body)
        match = re.fullmatch(r"/crm/v3/objects/calls/(\d+)", route)
        if method == "PATCH" and match:
            call = self.calls.get(match.group(1))
            if call is None:
                return 404, {"status": "error", "message": "resource not found"}, {}
            call["properties"].update((body or {}).get("properties") or {})
            self.check_call(call["properties"])
            return 200, {"id": match.group(1), "properties": call["properties"]}, {}
        self.problem(f"unknown route {method} {path}")
        return 404, {"status": "error", "message": f"no route {method} {route}"}, {}

    def settings(self, method, app_id, query, headers, body):
        """Spec §8.1: authenticated with the developer API key as ?hapikey=, not a bearer token."""
        keys = urllib.parse.parse_qs(query.lstrip("?")).get("hapikey")
        if "Authorization" in headers:
            self.problem("calling settings sent with an Authorization header")
        if keys != [self.developer_api_key]:
            return 401, {"status": "error", "message": "The API key provided is invalid.",
                         "category": "INVALID_AUTHENTICATION"}, {}
        if app_id != self.app_id:
            return 404, {"status": "error", "message": f"app {app_id} not found", "category": "OBJECT_NOT_FOUND"}, {}
        existing = self.calling_settings.get(app_id)
        if method == "GET":
            if existing is None:
                return 404, {"status": "error", "message": "settings not found", "category": "OBJECT_NOT_FOUND"}, {}
            return 200, existing, {}
        if method not in ("POST", "PATCH"):
            self.problem(f"calling settings: unexpected {method}")
            return 405, {"status": "error", "message": method}, {}
        if not isinstance(body, dict):
            self.problem("calling settings without a JSON object body")
            return 400, {"status": "error", "message": "body", "category": "VALIDATION_ERROR"}, {}
        for field, value in body.items():
            kind = SETTINGS_FIELDS.get(field)
            if kind is None or type(value) is not kind:
                self.problem(f"calling settings field {field}={value!r}")
                return 400, {"status": "error", "message": f"invalid {field}", "category": "VALIDATION_ERROR"}, {}
        if not str(body.get("url", "https://")).startswith("https://"):
            self.problem(f"calling settings url is not https: {body['url']}")
        if method == "POST":
            if existing is not None:
                return 400, {"status": "error", "message": "settings already exist", "category": "VALIDATION_ERROR",
                             "subCategory": "CallingSettingError.SETTINGS_ALREADY_EXISTS"}, {}
            if not body.get("name") or not body.get("url"):
                self.problem("calling settings created without name or url")
                return 400, {"status": "error", "message": "name and url are required", "category": "VALIDATION_ERROR"}, {}
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ")
            self.calling_settings[app_id] = {**body, "createdAt": stamp, "updatedAt": stamp}
            return 200, self.calling_settings[app_id], {}
        if existing is None:
            return 404, {"status": "error", "message": "settings not found", "category": "OBJECT_NOT_FOUND"}, {}
        existing.update(body)
        existing["updatedAt"] = time.strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, existing, {}

    def search(self, body):
        groups = (body or {}).get("filterGroups") or []
        filters = sum(len(g.get("filters") or []) for g in groups)
        if len(groups) > MAX_FILTER_GROUPS or filters > MAX_FILTERS or \
                any(len(g.get("filters") or []) > MAX_FILTERS_PER_GROUP for g in groups):
            self.problem(f"search over HubSpot's limits: {len(groups)} groups, {filters} filters")
            return 400, {"status": "error", "message": "too many filters", "category": "VALIDATION_ERROR"}, {}
        results = []
        for contact_id, contact in self.contacts.items():
            for group in groups:
                if all(self.matches(contact, f) for f in group.get("filters") or []):
                    results.append({"id": contact_id, "properties": contact})
                    break
        return 200, {"total": len(results), "results": results[: (body or {}).get("limit", 10)]}, {}

    @staticmethod
    def matches(contact, condition):
        value = contact.get(condition.get("propertyName"))
        operator = condition.get("operator")
        wanted = str(condition.get("value", ""))
        if value is None:
            return False
        if operator == "EQ":
            return str(value) == wanted
        if operator == "CONTAINS_TOKEN":
            return wanted.strip("*") in str(value)
        return False

    def create(self, kind, body):
        properties = (body or {}).get("properties") or {}
        if kind == "calls":
            self.check_call(properties)
            targets = self.check_associations(body, CALL_TO_CONTACT, "call")
            store = self.calls
        else:
            self.check_communication(properties)
            targets = self.check_associations(body, COMMUNICATION_TO_CONTACT, "communication")
            store = self.communications
        object_id = str(self.next_id)
        self.next_id += 1
        store[object_id] = {"properties": dict(properties), "associations": targets}
        return 201, {"id": object_id, "properties": properties, "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ")}, {}

    def search_created(self, kind, body):
        """Lets the box find an engagement by its idempotency key after an ambiguous failure."""
        store = self.calls if kind == "calls" else self.communications
        results = []
        for object_id, item in store.items():
            for group in (body or {}).get("filterGroups") or []:
                if all(self.matches(item["properties"], f) for f in group.get("filters") or []):
                    results.append({"id": object_id, "properties": item["properties"]})
                    break
        return 200, {"total": len(results), "results": results}, {}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    fake.problem(f"body is not JSON: {raw[:80]!r}")
                    body = None
                if raw and self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                    fake.problem("body without Content-Type application/json")
                with fake.lock:
                    # Read once, as the request arrives: a test may lift the stall for later
                    # requests while this one is still being held.
                    stall = fake.stall_seconds
                    if self.command == "POST" and self.path in ("/crm/v3/objects/calls", "/crm/v3/objects/communications"):
                        stall = stall or fake.stall_creates_seconds
                    fake.requests.append((self.command, self.path, body))
                    fake.request_times.append(time.time())
                    status, payload, extra = fake.answer(self.command, self.path, dict(self.headers), body)
                if stall and self.command in ("POST", "PATCH"):
                    time.sleep(stall)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            do_GET = _serve
            do_POST = _serve
            do_PATCH = _serve

        return Handler
