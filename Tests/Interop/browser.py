"""Headless Chromium for the widget's tests: Debian's /usr/bin/chromium driven by Playwright."""
import contextlib
import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@contextlib.contextmanager
def chromium(extra_args=()):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + list(extra_args))
        try:
            yield browser
        finally:
            browser.close()


def wait_until(page, expression, timeout_ms=10000):
    """Polls a JS expression until it is truthy. Playwright's wait_for_function evaluates
    strings with eval, which the widget's and the simulator's CSP (rightly) forbid."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for {expression}")
        time.sleep(0.05)
