"""Chromium (Debian's, driven by Playwright) showing the widget inside the host simulator.

The simulator page is opened at http://127.0.0.1:PORT/dev/hubspot and embeds the widget from
http://localhost:PORT/widget/ (another origin, as HubSpot embeds it). Chromium's microphone is a
WAV tone (`--use-file-for-fake-audio-capture`), so what the far end hears can be recognised.
"""
import os
import time
import wave

import numpy

from box import AGENT_EMAIL, AGENT_PASSWORD

RATE = 48_000
# The browser's microphone plays this tone; the aiortc phone plays another (phone.py's 440 Hz).
BROWSER_TONE_HZ = 660.0
SCREENS_DIR = os.environ.get("CALLBOX_SCREENS", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".output", "screens"))
# Screenshots taken in this run, for the summary conftest.py prints.
SAVED_SCREENS = []
# Longest wait for a screen after what causes it (a webhook, a click).
SCREEN_TIMEOUT_MS = 15_000


def write_tone_wav(path, frequency=BROWSER_TONE_HZ, seconds=10, amplitude=0.4):
    t = numpy.arange(int(RATE * seconds)) / RATE
    samples = (numpy.sin(2 * numpy.pi * frequency * t) * amplitude * 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(samples.tobytes())
    return str(path)


def audio_args(tone_wav):
    """Chromium's microphone plays `tone_wav`; the far end's audio plays without a click."""
    return [f"--use-file-for-fake-audio-capture={tone_wav}", "--autoplay-policy=no-user-gesture-required"]


def poll(condition, timeout_ms=SCREEN_TIMEOUT_MS, what="condition"):
    """Polls from Python: Playwright's wait_for_function evaluates with eval, which the widget's
    CSP (rightly) refuses."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for {what}")
        time.sleep(0.02)


def screen_path(name):
    """Where the screenshot `name` goes (the folder made, the path remembered for the summary)."""
    os.makedirs(SCREENS_DIR, exist_ok=True)
    path = os.path.join(SCREENS_DIR, f"{name}.png")
    SAVED_SCREENS.append(path)
    return path


class HostedWidget:
    """One agent's browser context: the simulator page and the widget frame inside it."""

    def __init__(self, browser, box, query="", context=None):
        """`context`: share another widget's browser context (its cookies and BroadcastChannels),
        as two HubSpot tabs of one agent do."""
        self.box = box
        self.shares_context = context is not None
        self.context = context or browser.new_context(viewport={"width": 1100, "height": 760})
        self.page = self.context.new_page()
        self.console = []
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.widget_requests = []
        self.page.on("request", lambda request: self.widget_requests.append(request.url))
        self.page.goto(f"{box.url}/dev/hubspot{query}")
        self.frame = self.page.frame_locator("#hubspot-calling-extension-iframe")
        poll(lambda: self.page.evaluate("Boolean(window.host && window.host.state.ready)"), what="the handshake")

    @property
    def widget(self):
        return next(frame for frame in self.page.frames if "/widget/" in frame.url)

    def screen(self):
        return self.widget.evaluate("document.body.dataset.screen || ''")

    def wait_screen(self, name, timeout=SCREEN_TIMEOUT_MS):
        try:
            poll(lambda: self.screen() == name, timeout, what=f"screen {name}")
        except AssertionError as failure:
            raise AssertionError(f"screen {name!r} did not show (now {self.screen()!r}); "
                                 f"error: {self.error_text()!r}; console: {self.console[-10:]}") from failure

    def error_text(self):
        try:
            return self.widget.evaluate("document.getElementById('error').hidden ? '' : document.getElementById('error-text').textContent")
        except Exception:
            return ""

    def login(self, email=AGENT_EMAIL, password=AGENT_PASSWORD):
        self.wait_screen("login")
        self.frame.locator("#login-email").fill(email)
        self.frame.locator("#login-password").fill(password)
        self.frame.locator("#login-password").press("Enter")
        self.wait_screen("keypad")

    def received(self, message_type):
        """What the simulator (HubSpot) received from the widget, of one type."""
        return self.page.evaluate("(type) => window.host.received(type)", message_type)

    def sent(self, message_type):
        """What the simulator (HubSpot) sent to the widget, of one type."""
        return self.page.evaluate(
            "(type) => window.hostLog.filter(e => e.direction === 'out' && e.type === type).map(e => e.message)", message_type)

    def received_types(self):
        return self.page.evaluate("window.hostLog.filter(e => e.direction === 'in').map(e => e.type)")

    def host_failures(self):
        return self.page.evaluate("window.host.failures.map(f => f.text)")

    def dial_number(self, phone, callee_id=51, start_timestamp=None):
        overrides = {"phoneNumber": phone, "phone_number": phone, "calleeInfo": {"calleeId": callee_id, "calleeObjectTypeId": "0-1"}}
        if start_timestamp is not None:
            overrides["startTimestamp"] = start_timestamp
        return self.page.evaluate("(overrides) => window.host.actions.dialNumber(overrides)", overrides)

    def click(self, selector):
        self.frame.locator(selector).click()

    def audio_levels(self):
        return self.widget.evaluate("window.callboxWidget.audioLevels()")

    def screenshot(self, name):
        path = screen_path(name)
        self.page.locator("#hubspot-calling-extension-iframe").screenshot(path=path)
        return path

    def close(self):
        if self.shares_context:
            self.page.close()
        else:
            self.context.close()
