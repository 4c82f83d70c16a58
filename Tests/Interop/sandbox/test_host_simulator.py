"""The HubSpot host simulator (/dev/hubspot) against the real widget, in Chromium: the page
is on http://127.0.0.1:PORT and the widget it frames on http://localhost:PORT."""
import os

import pytest

from browser import chromium, wait_until


@pytest.fixture
def sim_box(make_box):
    return make_box(extra={"dev": {"call_control": "on", "host_simulator": "on"}})


def open_simulator(browser, box, query=""):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"http://127.0.0.1:{box.port}/dev/hubspot{query}")
    return page, errors


def wait_synced(page):
    wait_until(page, "window.host && window.host.state.ready", timeout_ms=15000)


def received(page, kind):
    return page.evaluate(f"window.host.received({kind!r})")


def test_handshake_completes_with_the_real_widget(sim_box):
    with chromium() as browser:
        page, errors = open_simulator(browser, sim_box, "?portalId=42&userId=7&ownerId=9&engagementId=0&iframeLocation=remote&usesCallingWindow=true")
        wait_synced(page)
        wait_until(page, "window.host.received('INITIALIZED').length === 1", timeout_ms=10000)
        ack = received(page, "SYNC_ACK")
        assert len(ack) == 1
        assert ack[0]["version"] == "0.9.6"
        assert ack[0]["iFrameUrl"] == f"http://localhost:{sim_box.port}"
        assert ack[0]["hostUrl"] == f"http://127.0.0.1:{sim_box.port}"
        assert (ack[0]["portalId"], ack[0]["userId"], ack[0]["ownerId"], ack[0]["iframeLocation"], ack[0]["usesCallingWindow"]) == (42, 7, 9, "remote", True)
        frame = page.frame_locator("#hubspot-calling-extension-iframe")
        assert page.get_attribute("#hubspot-calling-extension-iframe", "allow") == "microphone; autoplay; speaker-selection"
        log = page.evaluate("window.hostLog")
        assert all(isinstance(entry["at"], int) for entry in log)
        syncs = [entry["message"]["messageId"] for entry in log if entry["direction"] == "out" and entry["type"] == "SYNC"]
        assert len(set(syncs)) == len(syncs), "every SYNC has a fresh id"
        assert frame.locator("body").count() == 1
        assert page.evaluate("window.host.failures") == []
    assert not errors, errors


def test_a_bare_sync_as_hubspots_own_sdk_host_sends_it_completes_the_handshake(sim_box):
    """HubSpot's IFrameManager may send SYNC with only type, hostUrl and messageId: the widget
    acknowledges it, initializes, and then takes a DIAL_NUMBER."""
    with chromium() as browser:
        page, errors = open_simulator(browser, sim_box, "?sync=bare")
        wait_synced(page)
        wait_until(page, "window.host.received('INITIALIZED').length === 1", timeout_ms=10000)
        sync = [e["message"] for e in page.evaluate("window.hostLog") if e["direction"] == "out" and e["type"] == "SYNC"][0]
        assert set(sync) == {"type", "messageId", "hostUrl"}
        ack = received(page, "SYNC_ACK")[0]
        assert ack["hostUrl"] == f"http://127.0.0.1:{sim_box.port}" and "portalId" not in ack
        assert page.evaluate("window.host.failures") == []
    assert not errors, errors


def test_widget_ignores_duplicate_sync_unknown_type_is_answered_and_foreign_messages_dropped(sim_box):
    with chromium() as browser:
        page, errors = open_simulator(browser, sim_box)
        wait_synced(page)
        page.click("text=Duplicate SYNC")
        page.wait_for_timeout(300)
        assert len(received(page, "SYNC_ACK")) == 1, "the second SYNC was ignored"
        page.click("text=Unknown type")
        wait_until(page, "window.host.received('ERROR').length === 1", timeout_ms=5000)
        error = received(page, "ERROR")[0]["data"]
        assert error["type"] == "UNKNOWN_MESSAGE_TYPE"
        assert error["data"]["originalMessage"]["type"] == "UPDATE_ASSOCIATIONS_FAILED"
        failures = page.evaluate("window.host.failures")
        assert [f["text"] for f in failures] == ["the widget did not know a message type"]
        page.click("text=Wrong-origin message")
        wait_until(page, "window.hostLog.some(e => e.note === 'foreign frame posted to the widget')", timeout_ms=5000)
        page.wait_for_timeout(300)
        assert len(received(page, "ERROR")) == 1, "nothing answered the foreign message"
    assert not errors, errors


def test_reload_iframe_runs_a_new_handshake(sim_box):
    with chromium() as browser:
        page, errors = open_simulator(browser, sim_box)
        wait_synced(page)
        page.click("text=Reload iframe")
        wait_until(page, "window.host.received('SYNC_ACK').length === 2", timeout_ms=15000)
        assert page.evaluate("window.host.failures") == []
    assert not errors, errors


TEST_FILES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "widget_js")


def open_with_test_widget(browser, box, query="", synced=True):
    """The simulator framing widget_js/widget.html (on the widget's origin) instead of /widget/."""
    page = browser.new_page()

    def serve_test_file(route):
        name = route.request.url.split("?")[0].rsplit("/", 1)[1]
        kind = "text/html" if name.endswith(".html") else "text/javascript"
        route.fulfill(status=200, content_type=kind, path=os.path.join(TEST_FILES, name))

    page.route(f"http://localhost:{box.port}/js-tests/*", serve_test_file)
    widget = f"http://localhost:{box.port}/js-tests/widget.html"
    page.goto(f"http://127.0.0.1:{box.port}/dev/hubspot?widget={widget}{query}")
    if synced:
        wait_until(page, "window.host && window.host.state.ready", timeout_ms=15000)
    wait_until(page, f"document.getElementById('hubspot-calling-extension-iframe').src === {widget!r}")
    page.wait_for_load_state("load")
    frame = next(f for f in page.frames if f.url == widget)
    wait_until(frame, "window.cti !== undefined")
    return page, frame


def seen(frame, kind):
    return [data for (t, data) in frame.evaluate("window.seen") if t == kind]


def test_scripted_reactions(sim_box):
    with chromium() as browser:
        page, frame = open_with_test_widget(browser, sim_box)
        wait_until(page, "document.getElementById('hubspot-calling-extension-iframe').width === '410'")
        assert page.get_attribute("#hubspot-calling-extension-iframe", "height") == "620"
        frame.evaluate("cti.outgoingCall({externalCallId: 'o1', toNumber: '+34600111222', fromNumber: '+34911234567', callStartTime: Date.now(), createEngagement: true})")
        wait_until(frame, "window.seen.some(s => s[0] === 'CREATE_ENGAGEMENT_SUCCEEDED')")
        engagement = seen(frame, "CREATE_ENGAGEMENT_SUCCEEDED")[0]["engagementId"]
        assert isinstance(engagement, int) and engagement > 0
        frame.evaluate("cti.incomingCall({externalCallId: 'i1', fromNumber: '+34600111222', toNumber: '+34911234567', createEngagement: true})")
        wait_until(frame, "window.seen.some(s => s[0] === 'CALLER_ID_MATCH_SUCCEEDED')")
        match = seen(frame, "CALLER_ID_MATCH_SUCCEEDED")[0]["callerIdMatches"][0]
        assert match["callerIdType"] == "CONTACT" and match["objectCoordinates"]["objectTypeId"] == "0-1"
        frame.evaluate(f"cti.callCompleted({{externalCallId: 'o1', engagementId: {engagement}, hideWidget: false, engagementProperties: {{hs_call_body: 'notes'}}}})")
        wait_until(frame, "window.seen.some(s => s[0] === 'UPDATE_ENGAGEMENT_SUCCEEDED')")
        frame.evaluate(f"cti.finalizeEngagement({{externalCallId: 'o1', engagementId: {engagement}}})")
        wait_until(frame, "window.seen.some(s => s[0] === 'FINALIZE_ENGAGEMENT_SUCCEEDED')")
        assert seen(frame, "FINALIZE_ENGAGEMENT_SUCCEEDED")[0] == {"engagementId": engagement, "externalCallId": "o1"}
        frame.evaluate("cti.resizeWidget({width: 380, height: 500})")
        wait_until(page, "document.getElementById('hubspot-calling-extension-iframe').width === '380'")
        page.click("text=DIAL_NUMBER (global dialer, objectId 0)")
        page.click("text=VISIBILITY_CHANGED (minimized)")
        page.click("text=END_CALL")
        wait_until(frame, "window.seen.some(s => s[0] === 'END_CALL')")
        dial = seen(frame, "DIAL_NUMBER")[0]
        assert dial["objectId"] == 0 and dial["subjectId"] == 0 and "objectType" not in dial
        assert dial["calleeInfo"] == {"calleeId": 51, "calleeObjectTypeId": "0-1"}
        assert dial["phoneNumber"] == dial["phone_number"] == "+34600111222"
        assert seen(frame, "VISIBILITY_CHANGED") == [{"isMinimized": True, "isHidden": False}]
        assert page.evaluate("window.host.failures") == []


def test_failure_reactions_and_set_widget_url(sim_box):
    query = "&createEngagement=fail&callerIdMatch=fail&updateEngagement=fail&finalize=fail&navigate=fail&setWidgetUrl=fail"
    with chromium() as browser:
        page, frame = open_with_test_widget(browser, sim_box, query)
        frame.evaluate("cti.incomingCall({externalCallId: 'i1', fromNumber: '+34600111222', toNumber: '+34911234567', createEngagement: true})")
        frame.evaluate("cti.callCompleted({externalCallId: 'i1', engagementId: 1, engagementProperties: {hs_call_body: 'x'}})")
        frame.evaluate("cti.finalizeEngagement({externalCallId: 'i1', engagementId: 1})")
        frame.evaluate("cti.navigateToRecord({objectCoordinates: {portalId: 123456, objectId: 51, objectTypeId: '0-1'}})")
        frame.evaluate("cti.setWidgetUrl({iFrameUrl: location.href})")
        for kind in ("CREATE_ENGAGEMENT_FAILED", "CALLER_ID_MATCH_FAILED", "UPDATE_ENGAGEMENT_FAILED",
                     "FINALIZE_ENGAGEMENT_FAILED", "NAVIGATE_TO_RECORD_FAILED", "SET_WIDGET_URL_FAILED"):
            wait_until(frame, f"window.seen.some(s => s[0] === '{kind}')")
        assert page.evaluate("window.host.failures") == []


def test_sync_from_a_foreign_origin_is_ignored(sim_box):
    with chromium() as browser:
        page, frame = open_with_test_widget(browser, sim_box, "&autoSync=off", synced=False)
        # A sibling frame on another origin (the widget's own, allowed as a host origin with
        # the simulator on) posts a SYNC: it is not window.parent, so the widget refuses it.
        page.evaluate("window.host.actions.foreignSync()")
        wait_until(page, "window.hostLog.some(e => e.note === 'foreign frame posted to the widget')", timeout_ms=5000)
        page.wait_for_timeout(300)
        assert frame.evaluate("cti.isReady") is False
        assert frame.evaluate("window.seen") == []
        page.evaluate("window.host.startSync()")
        wait_until(page, "window.host.state.ready", timeout_ms=15000)
        assert received(page, "SYNC_ACK")[0]["portalId"] == 123456
        assert frame.evaluate("cti.context.hostUrl") == f"http://127.0.0.1:{sim_box.port}"
        assert page.evaluate("window.host.failures") == []
