"""The protocol module's unit tests (widget_js/) run in Chromium against the module the box
serves, and the box serves the widget with the contract's headers."""
import json
import os
import re


from browser import chromium

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_FILES = os.path.join(os.path.dirname(HERE), "widget_js")
# HubSpot's production UI origins, one per data centre, as hubspot-recordings-and-inbound §4 lists
# them from HubSpot's CLI (na1, eu1, na2, na3, ap1): always allowed, whatever the config adds.
HUBSPOT_ORIGINS = ["https://app.hubspot.com", "https://app-eu1.hubspot.com", "https://app-na2.hubspot.com",
                   "https://app-na3.hubspot.com", "https://app-ap1.hubspot.com"]


def simulator_box(make_box, **extra):
    return make_box(extra={"dev": {"call_control": "on", "host_simulator": "on"}, **extra})


def test_protocol_module_unit_tests_pass_in_chromium(box):
    origin = f"http://localhost:{box.port}"
    with chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        # The test page and script come from disk on the box's origin; the module from the box.
        def serve_test_file(route):
            name = route.request.url.rsplit("/", 1)[1]
            kind = "text/html" if name.endswith(".html") else "text/javascript"
            route.fulfill(status=200, content_type=kind, path=os.path.join(TEST_FILES, name))

        page.route(f"{origin}/js-tests/*", serve_test_file)
        page.goto(f"{origin}/js-tests/protocol.html")
        page.wait_for_function("window.testsDone === true", timeout=20000)
        results = page.evaluate("window.testResults")
    assert not errors, errors
    failed = [r for r in results if not r["ok"]]
    assert not failed, "\n".join(f"{r['name']}: {r['error']}" for r in failed)
    assert len(results) >= 20


def test_widget_files_headers_etag_and_404(make_box):
    box = make_box(extra={"http": {"frame_ancestors": "https://app.hubspot.com https://*.hubspotqa.com",
                                   "public_url": "https://phone.example.net/box"}})
    status, body, headers = box.get("/widget/calling-extensions.js")
    assert status == 200
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    assert b"export default class CallingExtensions" in body
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; media-src 'self' blob:; frame-ancestors ")
    ancestors = re.search(r"frame-ancestors ([^;]*);", csp).group(1).split()
    # The configured list adds to HubSpot's origins; one named twice is listed once.
    assert ancestors == ["'self'"] + HUBSPOT_ORIGINS + ["https://*.hubspotqa.com", "https://phone.example.net"]
    assert csp.endswith("base-uri 'none'; form-action 'self'")
    assert "unsafe-inline" not in csp

    status, body, again = box.request("GET", "/widget/calling-extensions.js", headers={"If-None-Match": headers["ETag"]})
    assert (status, body, again["ETag"]) == (304, b"", headers["ETag"])
    status, _, _ = box.request("GET", "/widget/calling-extensions.js", headers={"If-None-Match": f'"x", W/{headers["ETag"]}'})
    assert status == 304
    status, body, _ = box.request("GET", "/widget/calling-extensions.js", headers={"If-None-Match": '"stale"'})
    assert status == 200 and body

    status, body, headers = box.get("/widget/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<script" in body and b"<script>" not in body, "no inline scripts"
    status, _, headers = box.request("HEAD", "/widget/")
    assert status == 200 and headers["ETag"]
    status, _, headers = box.get("/widget")
    assert status in (301, 200)
    for missing in ("/widget/nope.js", "/widget/dev/hubspot.html", "/widget/../healthz", "/widget/index.html/x"):
        assert box.get(missing)[0] == 404, missing
    assert box.request("POST", "/widget/index.html", body=b"")[0] == 405


def test_config_json_and_default_frame_ancestors(box):
    status, body, headers = box.get("/widget/config.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    config = json.loads(body)
    assert config["host_origins"] == HUBSPOT_ORIGINS
    assert config["box_name"] == "interop"
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    csp = box.get("/widget/")[2]["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {' '.join(HUBSPOT_ORIGINS)};" in csp
    assert box.get("/dev/hubspot")[0] == 404, "the simulator is off by default"
    assert box.get("/dev/hubspot-host.js")[0] == 404


def test_simulator_adds_loopback_origins(make_box):
    box = simulator_box(make_box)
    loopback = [f"http://127.0.0.1:{box.port}", f"http://localhost:{box.port}"]
    config = json.loads(box.get("/widget/config.json")[1])
    assert config["host_origins"] == HUBSPOT_ORIGINS + loopback
    csp = box.get("/widget/")[2]["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {' '.join(HUBSPOT_ORIGINS + loopback)};" in csp
    status, body, headers = box.get("/dev/hubspot")
    assert status == 200 and b"hubspot-host.js" in body and headers["Content-Type"] == "text/html; charset=utf-8"
    assert box.get("/dev/hubspot-host.js")[2]["Content-Type"] == "text/javascript; charset=utf-8"
    assert box.get("/dev/hubspot.css")[2]["Content-Type"] == "text/css; charset=utf-8"
    assert box.get("/dev/nothing")[0] == 404


def test_widget_size_under_budget(box):
    """Every file the widget loads, uncompressed (the simulator is not part of it)."""
    names = ["index.html", "calling-extensions.js", "calling-relay.js"]
    index = box.get("/widget/")[1].decode()
    names += re.findall(r'(?:src|href)="([^"/:]+\.(?:js|css))"', index)
    seen, total, queue = set(), 0, list(dict.fromkeys(names))
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        status, body, _ = box.get(f"/widget/{name}" if name != "index.html" else "/widget/")
        assert status == 200, name
        total += len(body)
        if name.endswith(".js"):
            queue += re.findall(r'from\s+"\./([^"]+)"', body.decode())
    print(f"widget size: {total} bytes in {len(seen)} files")
    assert total < 100 * 1024
