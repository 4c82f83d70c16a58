"""Headless Chromium for the widget's tests: Debian's /usr/bin/chromium driven by Playwright."""
import contextlib

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
