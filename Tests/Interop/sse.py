"""A Server-Sent Events client for `GET /api/events` on http.client, reading in a thread."""
import http.client
import json
import queue
import threading
import time


class EventStream:
    def __init__(self, box, cookie, last_event_id=None, query=""):
        self.connection = http.client.HTTPConnection("127.0.0.1", box.port, timeout=60)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/api/events" + query, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {name.lower(): value for name, value in self.response.getheaders()}
        self.received = queue.Queue()
        self.pings = []
        self.all = []
        self.retry = None
        self.first_field = None
        self.ended = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.response.read()
            self.ended.set()

    def _read(self):
        fields = {}
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if self.first_field is None and text:
                    self.first_field = text
                if text == "":
                    if "event" in fields:
                        parsed = {"id": int(fields["id"]) if "id" in fields else None, "event": fields["event"],
                                  "data": json.loads(fields.get("data", "null")), "at": time.monotonic()}
                        self.all.append(parsed)
                        self.received.put(parsed)
                    fields = {}
                elif text.startswith(":"):
                    self.pings.append((time.monotonic(), text))
                else:
                    name, _, value = text.partition(": ")
                    if name == "retry":
                        self.retry = int(value)
                    else:
                        fields[name] = value
        except (OSError, ValueError, AttributeError, http.client.HTTPException):  # AttributeError: closed under the reader
            pass
        self.ended.set()

    def next(self, event=None, timeout=10, call=None):
        """The next event (of this type, for this call), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {event or 'event'} within {timeout} s")
            try:
                got = self.received.get(timeout=left)
            except queue.Empty:
                continue
            if event is not None and got["event"] != event:
                continue
            if call is not None and (got["data"] or {}).get("call") != call:
                continue
            return got

    def none_of(self, event, seconds, call=None):
        """True when no such event arrives within `seconds`."""
        try:
            self.next(event, timeout=seconds, call=call)
            return False
        except AssertionError:
            return True

    def close(self):
        self.connection.close()
