"""A slowloris attacker and a webhook sender timed under it, for the connection-fairness test
and for measuring by hand (`python slowloris.py PORT CONNECTIONS ADDRESSES SECONDS`).

The attacker opens `connections` sockets spread over loopback source addresses 127.0.0.2, .3, …,
sends a request line, then one header byte every `byte_interval` seconds, and reopens any socket
the box closes, so the pressure never lets up. Every socket is driven from one thread."""
import http.client
import selectors
import socket
import threading
import time

import meta
from box import APP_SECRET

HEAD_START = b"POST /webhook HTTP/1.1\r\nHost: box\r\nX-Slow: "


class Slowloris:
    def __init__(self, port, connections, addresses, byte_interval=1.0, first_address=2):
        self.port = port
        self.sources = [f"127.0.0.{first_address + i % addresses}" for i in range(connections)]
        self.byte_interval = byte_interval
        self.sockets = [None] * connections
        self.opened = 0
        self.closed_by_box = 0
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        for index in range(len(self.sockets)):
            self._open(index)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(10)
        for s in self.sockets:
            if s is not None:
                s.close()

    def open_now(self):
        return sum(1 for s in self.sockets if s is not None)

    def _open(self, index):
        s = socket.socket()
        s.bind((self.sources[index], 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", self.port))
            s.sendall(HEAD_START)
        except OSError:
            s.close()
            self.refused += 1
            self.sockets[index] = None
            return
        s.setblocking(False)
        self.sockets[index] = s
        self.opened += 1

    def _run(self):
        while not self._stop.wait(self.byte_interval):
            for index, s in enumerate(self.sockets):
                if s is None:
                    self._open(index)
                    continue
                try:
                    # The box closing the socket shows as EOF (or a reset) on a read.
                    if s.recv(4096, socket.MSG_PEEK) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                except OSError:
                    s.close()
                    self.closed_by_box += 1
                    self._open(index)
                    continue
                try:
                    s.send(b"a")
                except OSError:
                    s.close()
                    self.closed_by_box += 1
                    self._open(index)


def seconds_until_cut(port, first_bytes, give_up=20):
    """Opens one connection, sends `first_bytes`, then a byte a second; returns how long the
    box took to close it, or None if it was still open after `give_up` seconds."""
    client = socket.create_connection(("127.0.0.1", port))
    opened = time.monotonic()
    client.sendall(first_bytes)
    try:
        while time.monotonic() - opened < give_up:
            time.sleep(1)
            try:
                client.send(b"a")
                if client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    return time.monotonic() - opened
            except BlockingIOError:
                pass
            except OSError:
                return time.monotonic() - opened
        return None
    finally:
        client.close()


def signed_webhook_latencies(port, count, interval=0.1, source="127.0.0.9"):
    """Sends `count` signed status webhooks, each on a fresh connection from `source`, and
    returns (latencies in ms of the ones answered 200, list of failures)."""
    latencies, failures = [], []
    for n in range(count):
        body = meta.body_of(meta.call_status(f"wacid.slowloris-{n}", "RINGING"))
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta.signature(body, APP_SECRET)}
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
            connection.request("POST", "/webhook", body, headers)
            status = connection.getresponse().status
            connection.close()
        except OSError as error:
            failures.append(repr(error))
        else:
            if status == 200:
                latencies.append((time.monotonic() - started) * 1000)
            else:
                failures.append(f"HTTP {status}")
        time.sleep(interval)
    return latencies, failures


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


if __name__ == "__main__":
    import sys
    port, connections, addresses, seconds = (int(a) for a in sys.argv[1:5])
    attacker = Slowloris(port, connections, addresses).start()
    time.sleep(2)
    latencies, failures = signed_webhook_latencies(port, int(seconds * 10))
    print(f"attacker: {attacker.open_now()} open, {attacker.opened} opened, "
          f"{attacker.closed_by_box} closed by the box, {attacker.refused} refused")
    attacker.stop()
    if latencies:
        print(f"webhooks: {len(latencies)} × 200, {len(failures)} failed; p50 {percentile(latencies, .5):.1f} ms, "
              f"p99 {percentile(latencies, .99):.1f} ms, max {max(latencies):.1f} ms")
    print(f"failures: {failures[:5]}")
