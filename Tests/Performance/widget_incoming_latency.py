"""From a signed connect webhook to the incoming screen visible in Chromium: p50 and p99.

    /work/main/.venv/bin/python Tests/Performance/widget_incoming_latency.py [calls]

Runs the real box (CALLBOX_BIN or .build/debug/callbox) with the fake Graph, one agent signed in
to the widget inside the host simulator, and delivers `calls` (default 100) connect webhooks one
after another, each from a new caller. The clock starts before the webhook is sent and stops at
the first animation frame after the widget switched to its incoming screen (both wall clock, same
machine). Each call is declined from the widget before the next.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Interop"))

import numpy  # noqa: E402

import meta  # noqa: E402
from box import Box, wait_for  # noqa: E402
from browser import chromium  # noqa: E402
from fake_graph import FakeGraph  # noqa: E402
from widget_browser import HostedWidget, audio_args, poll, write_tone_wav  # noqa: E402

DEFAULT_CALLS = 100
# Marks the first frame painted with the incoming screen (Date.now(), ms).
SHOWN_AT = """
new MutationObserver(() => {
  if (document.body.dataset.screen === "incoming" && !window.incomingShownAt) {
    requestAnimationFrame(() => { window.incomingShownAt = Date.now(); });
  }
}).observe(document.body, { attributes: true, attributeFilter: ["data-screen"] });
"""


def measure(calls):
    folder = tempfile.mkdtemp(prefix="widget-latency-")
    graph = FakeGraph().start()
    box = Box(os.path.join(folder, "box"), graph.url, extra={
        "dev": {"host_simulator": "on"}, "routing": {"handset": "never", "ring_timeout": "30s"}}).start()
    try:
        with chromium(audio_args(write_tone_wav(os.path.join(folder, "mic.wav")))) as browser:
            widget = HostedWidget(browser, box)
            widget.login()
            wait_for(lambda: widget.frame.locator("#connection").get_attribute("data-state") == "live", what="live")
            widget.widget.evaluate(SHOWN_AT)
            samples = []
            for n in range(calls):
                widget.widget.evaluate("window.incomingShownAt = 0")
                call_id = f"wacid.LATENCY{n:06d}"
                sent = time.time() * 1000
                status, body, _ = box.deliver(meta.connect_offer(call_id, caller=f"3460020{n:04d}"))
                assert status == 200, body
                poll(lambda: widget.widget.evaluate("window.incomingShownAt > 0"), 10_000, what="incoming screen")
                samples.append(widget.widget.evaluate("window.incomingShownAt") - sent)
                widget.click("#incoming-decline")
                widget.wait_screen("keypad")
                wait_for(lambda: len(graph.calls("reject")) == n + 1, what="reject at Meta")
        return samples
    finally:
        box.stop()
        graph.stop()


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CALLS
    samples = numpy.array(measure(calls))
    print(f"connect webhook → incoming screen visible, {len(samples)} calls: "
          f"p50 {numpy.percentile(samples, 50):.1f} ms, p99 {numpy.percentile(samples, 99):.1f} ms, "
          f"min {samples.min():.1f} ms, max {samples.max():.1f} ms")


if __name__ == "__main__":
    main()
