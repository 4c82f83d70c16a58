"""`callbox hubspot register` against the fake HubSpot's calling-settings API (spec §8.1)."""
import json
import os
import subprocess

import pytest

from box import BINARY, Box, free_port
from fake_hubspot import FakeHubSpot

APP_ID = "5550001"
DEVELOPER_KEY = "test-developer-key"


@pytest.fixture
def hubspot():
    fake = FakeHubSpot(developer_api_key=DEVELOPER_KEY, app_id=APP_ID).start()
    yield fake
    fake.stop()


def write_config(folder, api_url, key=DEVELOPER_KEY, hubspot=None, http=None, without=()):
    box = Box(folder, "sandbox",
              extra={"hubspot": {"api_url": api_url, "app_id": APP_ID, **(hubspot or {})},
                     "http": {"public_url": "https://phone.example.net/box", **(http or {})}},
              without=without)
    if key:
        with open(os.path.join(box.folder, "secrets.conf"), "a") as f:
            f.write(f"hubspot_developer_api_key = {key}\n")
    return box.config_path


def register(*args):
    return subprocess.run([BINARY, "hubspot", "register", *args], capture_output=True, text=True, timeout=60)


def test_creates_then_updates_the_calling_settings(tmp_path, hubspot):
    config = write_config(tmp_path, hubspot.url)
    first = register("--config", config)
    assert first.returncode == 0, first.stderr
    assert "registered the calling settings of app 5550001: interop at https://phone.example.net/box/widget/" in first.stdout
    assert [(m, p.split("?")[0]) for m, p, _ in hubspot.requests] == [
        ("GET", f"/crm/v3/extensions/calling/{APP_ID}/settings"), ("POST", f"/crm/v3/extensions/calling/{APP_ID}/settings")]
    assert all(p.endswith(f"?hapikey={DEVELOPER_KEY}") for _, p, _ in hubspot.requests)
    saved = hubspot.calling_settings[APP_ID]
    assert {k: v for k, v in saved.items() if k not in ("createdAt", "updatedAt")} == {
        "name": "interop", "url": "https://phone.example.net/box/widget/", "width": 400, "height": 600,
        "isReady": True, "supportsCustomObjects": True, "supportsInboundCalling": True,
        "usesCallingWindow": False, "usesRemote": True}

    second = register("--config", config, "--url", "https://calls.example.org/widget/", "--not-ready")
    assert second.returncode == 0, second.stderr
    assert "updated the calling settings" in second.stdout and "not ready" in second.stdout
    assert hubspot.requests[-1][0] == "PATCH"
    assert hubspot.calling_settings[APP_ID]["url"] == "https://calls.example.org/widget/"
    assert hubspot.calling_settings[APP_ID]["isReady"] is False
    assert hubspot.problems == []


def test_dry_run_prints_the_payload_and_sends_nothing(tmp_path, hubspot):
    config = write_config(tmp_path, hubspot.url, key=None)
    result = register("--config", config, "--dry-run")
    assert result.returncode == 0, result.stderr
    first, body = result.stdout.strip().split("\n", 1)
    assert first == f"PATCH or POST {hubspot.url}/crm/v3/extensions/calling/{APP_ID}/settings?hapikey=…"
    assert json.loads(body)["url"] == "https://phone.example.net/box/widget/"
    assert hubspot.requests == []


def test_a_wrong_key_is_reported_with_a_hint(tmp_path, hubspot):
    config = write_config(tmp_path, hubspot.url, key="not-the-key")
    result = register("--config", config)
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "INVALID_AUTHENTICATION" in result.stderr
    assert "check hubspot_developer_api_key" in result.stderr
    assert "not-the-key" not in result.stderr + result.stdout
    assert APP_ID not in hubspot.calling_settings


@pytest.mark.parametrize("change, message", [
    ({"without": [("hubspot", "app_id")]}, "set [hubspot] app_id"),
    ({"without": [("http", "public_url")]}, "set [http] public_url"),
    ({"http": {"public_url": "http://phone.example.net"}}, "must be https://"),
    ({"key": None}, "add hubspot_developer_api_key"),
])
def test_missing_or_unusable_settings_are_named(tmp_path, hubspot, change, message):
    config = write_config(tmp_path, hubspot.url, **change)
    result = register("--config", config)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert hubspot.requests == []


def test_unreachable_hubspot_and_usage_errors(tmp_path):
    config = write_config(tmp_path, f"http://127.0.0.1:{free_port()}")
    result = register("--config", config)
    assert result.returncode == 1 and "cannot reach HubSpot" in result.stderr
    assert register("--config", config, "--bogus").returncode == 2
    assert subprocess.run([BINARY, "hubspot"], capture_output=True, text=True).returncode == 2
