"""The widget end to end (issue 5): Chromium inside the host simulator, the real box, the fake
Graph and HubSpot, and an aiortc peer as the WhatsApp user. Screenshots of every screen go to
Tests/Interop/.output/screens (or $CALLBOX_SCREENS)."""
import time

import pytest

import meta
from box import Box, password_hash, wait_for
from browser import chromium
from fake_graph import meta_error
from grants import grant_permission
from phone import Phone, analyse
from fake_hubspot import ANA_OWNER as OWNER_ID, TOKEN as HUBSPOT_TOKEN
from widget_browser import BROWSER_TONE_HZ, HostedWidget, audio_args, screen_path, write_tone_wav

OWNER_EMAIL = "ana@example.com"
OWNER_PASSWORD = "ana-password"
PHONE_TONE_HZ = 440.0
# How long audio is left to flow before it is measured.
AUDIO_SECONDS = 3


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    tone = write_tone_wav(tmp_path_factory.mktemp("tone") / "mic.wav")
    with chromium(audio_args(tone)) as launched:
        yield launched


@pytest.fixture
def widget_box(make_box, hubspot):
    return make_box(hubspot_token=HUBSPOT_TOKEN, extra={
        "dev": {"host_simulator": "on"},
        "hubspot": {"api_url": hubspot.url},
        "routing": {"handset": "never", "owner_first": "2s", "ring_timeout": "20s"},
        "agent ana": {"email": OWNER_EMAIL, "password_hash": password_hash(OWNER_PASSWORD), "hubspot_owner_id": OWNER_ID},
    })


@pytest.fixture
def phone():
    peer = Phone(tone_hz=PHONE_TONE_HZ)
    yield peer
    peer.close()


@pytest.fixture
def widgets(browser, widget_box):
    opened = []

    def open_widget():
        hosted = HostedWidget(browser, widget_box)
        opened.append(hosted)
        return hosted

    yield open_widget
    for hosted in opened:
        hosted.close()


def browser_hears(widget, seconds=AUDIO_SECONDS):
    """Energy the browser received over `seconds` (getStats totalAudioEnergy), and its last level."""
    before = widget.audio_levels()
    time.sleep(seconds)
    after = widget.audio_levels()
    return after["inboundEnergy"] - before["inboundEnergy"], after["inboundLevel"], after


def phone_hears(phone, seconds=2):
    return analyse(phone.audio()[-seconds * 48_000:])


def test_the_handshake_completes_and_an_agent_signs_in_and_out(widgets, widget_box, browser):
    widget = widgets()
    widget.wait_screen("login")
    types = widget.received_types()
    assert types[:2] == ["SYNC_ACK", "INITIALIZED"], types
    initialized = widget.received("INITIALIZED")[0]["data"]
    assert initialized["isLoggedIn"] is False and initialized["sizeInfo"] == {"width": 400, "height": 600}
    assert widget.received("SYNC_ACK")[0]["version"] == "0.9.6"
    widget.screenshot("02-login")

    widget.frame.locator("#login-email").fill("agent@interop.example")
    widget.frame.locator("#login-password").fill("wrong password")
    widget.frame.locator("#login-password").press("Enter")
    wait_for(lambda: "do not match" in widget.error_text(), what="plain-words sign-in error")
    widget.screenshot("02b-login-error")
    widget.frame.locator("#error-close").click()

    widget.login()
    assert widget.received("LOGGED_IN"), widget.received_types()
    assert widget.frame.locator("#connection").get_attribute("data-state") in ("live", "connecting")
    wait_for(lambda: widget.frame.locator("#connection").get_attribute("data-state") == "live", what="live stream")
    widget.screenshot("03-keypad")

    widget.click("#logout")
    widget.wait_screen("login")
    assert widget.received("LOGGED_OUT")
    assert widget.host_failures() == []
    third_party = [url for url in widget.widget_requests if not url.startswith((widget_box.url, f"http://localhost:{widget_box.port}"))]
    assert third_party == [], third_party

    # The loading screen is what shows before any script has run.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 400, "height": 600})
    page = context.new_page()
    page.goto(f"{widget_box.url}/widget/")
    page.screenshot(path=screen_path("01-loading"))
    assert page.locator("#screen-loading").is_visible()
    context.close()


def test_an_outbound_call_asks_permission_dials_talks_both_ways_and_logs_the_notes(widgets, widget_box, graph, phone):
    widget = widgets()
    widget.login()
    number = "+" + meta.CALLER
    started = int(time.time() * 1000)
    widget.dial_number(number, start_timestamp=started)
    widget.dial_number(number, start_timestamp=started)  # HubSpot repeats itself (SDK #210)
    widget.wait_screen("permission-request")
    assert widget.frame.locator("#dial-number").input_value() == number
    widget.screenshot("04-permission-request")

    widget.click("#request-send")
    widget.wait_screen("permission-pending")
    assert len(graph.messages("call_permission_request")) == 1
    widget.screenshot("05-permission-pending")

    graph.grant(meta.CALLER)
    assert widget_box.deliver(meta.permission_reply("wamid.GRANT0001"))[0] == 200
    widget.wait_screen("dialing")
    wait_for(lambda: graph.calls("connect"), what="connect with the browser's offer")
    widget.screenshot("06-dialing")
    offer = graph.calls("connect")[0].json["session"]["sdp"]
    assert graph.all_problems() == []
    call_id = "wacid.FAKE00000001"
    answer = phone.answer(offer)
    widget_box.deliver(meta.connect_answer(call_id, sdp=answer))
    widget_box.deliver(meta.call_status(call_id, "ACCEPTED"))
    widget.wait_screen("calling")
    assert widget.received("OUTGOING_CALL_STARTED")[0]["data"]["toNumber"] == number
    assert widget.received("CALL_ANSWERED")

    wait_for(lambda: phone.state == "connected", timeout=15, what="browser and phone connected")
    energy, level, stats = browser_hears(widget)
    assert energy > 0.01 and level > 0.01, stats
    frequency, loudness = phone_hears(phone)
    assert abs(frequency - BROWSER_TONE_HZ) < 15 and loudness > -40, (frequency, loudness)

    widget.click("#calling-keys-toggle")
    widget.click("#calling-mute")
    assert widget.frame.locator("#calling-mute").get_attribute("aria-pressed") == "true"
    widget.screenshot("07-calling")
    widget.click("#calling-mute")

    widget.click("#calling-hangup")
    widget.wait_screen("ended")
    wait_for(lambda: graph.calls("terminate"), what="terminate at Meta")
    assert widget.received("CALL_ENDED")[0]["data"]["callEndStatus"] == "COMPLETED"
    widget.frame.locator("#ended-notes").fill("Asked for a quote")
    widget.screenshot("08-call-ended")
    widget.click("#ended-save")
    widget.wait_screen("keypad")
    completed = widget.received("CALL_COMPLETED")[0]["data"]
    properties = completed["engagementProperties"]
    assert completed["engagementId"] == widget.sent("CREATE_ENGAGEMENT_SUCCEEDED")[0]["data"]["engagementId"]
    assert properties["hs_call_body"] == "Asked for a quote"
    assert properties["hs_call_status"] == "COMPLETED"
    assert properties["hs_call_direction"] == "OUTBOUND"
    assert int(properties["hs_call_duration"]) >= AUDIO_SECONDS * 1000 and isinstance(properties["hs_call_duration"], str)
    assert properties["hs_call_to_number"] == number
    finalized = widget.received("FINALIZE_ENGAGEMENT")
    assert [f["data"]["engagementId"] for f in finalized] == [completed["engagementId"]]
    assert widget.host_failures() == []


def test_a_declined_permission_says_when_to_ask_again(widgets, widget_box, graph):
    widget = widgets()
    widget.login()
    widget.dial_number("+" + meta.CALLER)
    widget.wait_screen("permission-request")
    widget.click("#request-send")
    widget.wait_screen("permission-pending")
    assert widget_box.deliver(meta.permission_reply("wamid.NO0001", response="reject"))[0] == 200
    widget.wait_screen("permission-denied")
    assert widget.frame.locator("#denied-next").text_content().startswith("A new request can be sent after")
    widget.screenshot("09-permission-denied")
    widget.frame.locator("#denied-back").press("Enter")
    widget.wait_screen("keypad")


def test_hubspot_ending_the_call_hangs_up_and_escape_leaves_a_permission_screen(widgets, widget_box, graph):
    widget = widgets()
    widget.login()
    widget.dial_number("+34600111333")
    widget.wait_screen("permission-request")
    widget.frame.locator("#request-send").press("Escape")
    widget.wait_screen("keypad")

    grant_permission(widget_box, graph)
    widget.frame.locator("#dial-number").fill("+" + meta.CALLER)
    widget.frame.locator("#dial-number").press("Enter")
    widget.wait_screen("dialing")
    wait_for(lambda: graph.calls("connect") and widget.received("OUTGOING_CALL_STARTED"), what="dialing")
    widget.page.evaluate("window.host.actions.endCall()")
    widget.wait_screen("ended")
    assert widget.received("CALL_ENDED")[0]["data"]["callEndStatus"] == "CANCELED"
    wait_for(lambda: graph.calls("terminate"), what="terminate at Meta")
    assert widget.frame.locator("#ended-outcome").input_value() == "73a0d17f-1163-4015-bdd5-ec830791da20"  # no answer
    widget.frame.locator("#ended-notes").press("Tab")  # the next stop is Save
    widget.page.keyboard.press("Enter")
    widget.wait_screen("keypad")
    assert widget.received("CALL_COMPLETED")[0]["data"]["engagementProperties"]["hs_call_status"] == "CANCELED"


def test_an_incoming_call_rings_the_owner_first_is_answered_in_the_browser_and_ends_by_webhook(widgets, widget_box, hubspot, graph, phone):
    contact = hubspot.add_contact(phone="+" + meta.CALLER, owner=OWNER_ID)
    owner = widgets()
    owner.login(OWNER_EMAIL, OWNER_PASSWORD)
    other = widgets()
    other.login()
    call_id = "wacid.INBOUND0001"
    widget_box.deliver(meta.connect_offer(call_id, sdp=phone.offer()))
    owner.wait_screen("incoming")
    assert other.screen() == "keypad", "the owner's widget rings first"
    assert "Ana Ruiz" in owner.frame.locator("#incoming-name").text_content()
    assert meta.CALLER in owner.frame.locator("#incoming-number").text_content()
    owner.screenshot("10-incoming")
    other.wait_screen("incoming", timeout=5_000)
    # Only the widget that takes the call tells HubSpot, so the call gets one engagement.
    assert owner.received("INCOMING_CALL") == [] and other.received("INCOMING_CALL") == []

    owner.click("#incoming-answer")
    owner.wait_screen("calling")
    other.wait_screen("keypad")  # one answer wins: the other widget leaves its incoming screen
    incoming = owner.received("INCOMING_CALL")
    assert len(incoming) == 1 and incoming[0]["data"]["fromNumber"].endswith(meta.CALLER)
    assert incoming[0]["data"]["createEngagement"] is True
    assert owner.received("CALL_ANSWERED") and other.received("INCOMING_CALL") == []
    assert other.received("CALL_ENDED") == [], "a widget that never announced the call does not end it"
    navigate = wait_for(lambda: owner.received("NAVIGATE_TO_RECORD"), what="NAVIGATE_TO_RECORD")[0]["data"]["objectCoordinates"]
    assert navigate["objectId"] == int(contact) and navigate["objectTypeId"] == "0-1" and navigate["portalId"] > 0
    wait_for(lambda: graph.calls("accept"), what="accept")
    pre_accept, accept = graph.calls("pre_accept")[0], graph.calls("accept")[0]
    assert pre_accept.json["session"]["sdp"] == accept.json["session"]["sdp"]
    phone.accept_answer(accept.json["session"]["sdp"])
    wait_for(lambda: phone.state == "connected", timeout=15, what="browser and phone connected")
    energy, level, stats = browser_hears(owner)
    assert energy > 0.01 and level > 0.01, stats
    frequency, loudness = phone_hears(phone)
    assert abs(frequency - BROWSER_TONE_HZ) < 15 and loudness > -40, (frequency, loudness)
    assert "this computer" in owner.frame.locator("#calling-audio").text_content()
    owner.screenshot("11-calling-inbound")

    widget_box.deliver(meta.terminate(call_id, duration=5))
    owner.wait_screen("ended")
    assert owner.received("CALL_ENDED")[0]["data"]["callEndStatus"] == "COMPLETED"
    owner.click("#ended-save")
    owner.wait_screen("keypad")
    properties = owner.received("CALL_COMPLETED")[0]["data"]["engagementProperties"]
    assert properties["hs_call_direction"] == "INBOUND"
    assert owner.host_failures() == [] and other.host_failures() == []


def test_an_incoming_call_sent_to_the_desk_handset_takes_tones_and_mute_there(widgets, widget_box, graph, phone):
    widget = widgets()
    widget.login()
    call_id = "wacid.HANDSET0001"
    widget_box.deliver(meta.connect_offer(call_id, sdp=phone.offer()))
    widget.wait_screen("incoming")
    widget.click("#incoming-handset")
    widget.wait_screen("calling")
    assert "desk handset" in widget.frame.locator("#calling-audio").text_content()
    accept = wait_for(lambda: graph.calls("accept"), what="accept")[0]
    phone.accept_answer(accept.json["session"]["sdp"])
    wait_for(lambda: phone.state == "connected", timeout=15, what="handset and phone connected")
    widget.click("#calling-keys-toggle")
    widget.click('#calling-keys button[aria-label="5"]')
    # aiortc offers no telephone-event, so the box cannot send tones on this call, and says so.
    wait_for(lambda: "did not offer them" in widget.error_text(), what="tones refused in plain words")
    widget.click("#calling-mute")
    wait_for(lambda: widget.frame.locator("#calling-mute").get_attribute("aria-pressed") == "true", what="muted on the handset")
    widget.screenshot("14-calling-on-handset")
    widget.click("#calling-hangup")
    widget.wait_screen("ended")
    wait_for(lambda: graph.calls("terminate"), what="terminate at Meta")


def test_a_reconnecting_widget_gets_the_message_it_missed_and_texts_back(widgets, widget_box, graph):
    widget = widgets()
    widget.login()
    widget.frame.locator("#dial-number").fill("+" + meta.CALLER)
    widget.frame.locator("#dial-number").press("Tab")
    wait_for(lambda: widget.frame.locator("#connection").get_attribute("data-state") == "live", what="live")
    widget.widget.evaluate("window.callboxWidget.dropEvents()")
    assert widget.frame.locator("#connection").get_attribute("data-state") == "reconnecting"
    widget.screenshot("12-reconnecting")
    assert widget_box.deliver(meta.text_message("wamid.MISSED0001", "Are you there?"))[0] == 200
    wait_for(lambda: widget.frame.locator("#connection").get_attribute("data-state") == "live", timeout=10, what="reconnected")
    widget.frame.locator("#comms summary").click()
    wait_for(lambda: "Are you there?" in widget.frame.locator("#comms-list").text_content(), timeout=10,
             what="the missed message replayed")
    # The resize is posted from the panel's toggle event and reaches the host page a moment later.
    resized = wait_for(lambda: widget.received("RESIZE_WIDGET"), what="RESIZE_WIDGET at the host")
    assert resized[-1]["data"] == {"width": 400, "height": 760}

    widget.frame.locator("#comms-text").fill("Yes, calling you soon")
    widget.frame.locator("#comms-text").press("Enter")
    wait_for(lambda: "calling you soon" in widget.frame.locator("#comms-list").text_content(), what="sent text shown")
    assert graph.messages()[-1].json["text"]["body"] == "Yes, calling you soon"
    graph.scripted.append(meta_error(131047, "Re-engagement message", 400))
    widget.frame.locator("#comms-text").fill("One more thing")
    widget.frame.locator("#comms-text").press("Enter")
    wait_for(lambda: "24 hours" in widget.frame.locator("#comms-error").text_content(), what="window closed, in plain words")
    widget.screenshot("13-messages")


def test_a_remote_instance_hands_its_call_messages_to_the_calling_window(browser, widget_box, graph, phone):
    """Spec §6.6: with usesCallingWindow, HubSpot hears a call's lifecycle from the "window"
    instance only; the "remote" one that took the call relays it there, and gets HubSpot's
    engagement back for the notes."""
    remote = HostedWidget(browser, widget_box, query="?iframeLocation=remote&usesCallingWindow=true")
    window = HostedWidget(browser, widget_box, query="?iframeLocation=window&usesCallingWindow=true",
                          context=remote.context)
    try:
        remote.login()
        widget_box.deliver(meta.connect_offer("wacid.RELAY0001", sdp=phone.offer()))
        remote.wait_screen("incoming")
        assert window.received("INCOMING_CALL") == [], "HubSpot hears of a call only once it is taken"
        remote.click("#incoming-handset")
        remote.wait_screen("calling")
        wait_for(lambda: window.received("INCOMING_CALL") and window.received("CALL_ANSWERED"),
                 what="the calling window told HubSpot")
        assert remote.received("INCOMING_CALL") == [] and remote.received("CALL_ANSWERED") == []
        remote.click("#calling-hangup")
        remote.wait_screen("ended")
        remote.frame.locator("#ended-notes").fill("Relayed")
        remote.click("#ended-save")
        remote.wait_screen("keypad")
        completed = wait_for(lambda: window.received("CALL_COMPLETED"), what="CALL_COMPLETED through the window")[0]["data"]
        assert completed["engagementId"] == window.sent("CREATE_ENGAGEMENT_SUCCEEDED")[0]["data"]["engagementId"]
        assert completed["engagementProperties"]["hs_call_body"] == "Relayed"
        assert remote.received("CALL_COMPLETED") == []
        assert remote.host_failures() == [] and window.host_failures() == []
    finally:
        window.close()
        remote.close()


def test_a_widget_that_missed_more_than_the_box_keeps_asks_where_its_call_stands(widgets, widget_box):
    """The box replays only its last 512 events; past that it sends `reset`, and the widget asks
    for its call's status instead of ringing on for a call that ended while it was away."""
    widget = widgets()
    widget.login()
    call_id = "wacid.RESET0001"
    widget_box.deliver(meta.connect_offer(call_id))
    widget.wait_screen("incoming")
    widget.widget.evaluate("window.callboxWidget.dropEvents()")
    widget_box.deliver(meta.terminate(call_id, status="FAILED"))
    for batch in range(6):
        messages = [{"from": meta.CALLER, "id": f"wamid.FLOOD{batch:02d}{n:03d}", "timestamp": meta.now(),
                     "type": "text", "text": {"body": f"flood {n}"}} for n in range(100)]
        assert widget_box.deliver(meta.envelope("messages", {"messages": messages}))[0] == 200
    wait_for(lambda: widget.frame.locator("#connection").get_attribute("data-state") == "live", timeout=15,
             what="reconnected")
    widget.wait_screen("keypad", timeout=10_000)
    assert any(f"/api/calls/status/{call_id}" in url for url in widget.widget_requests), "asked the box after the reset"


def test_keypad_digits_from_a_browser_call_reach_the_far_end_as_telephone_events(browser, tmp_path):
    """The sandbox's WhatsApp user negotiates telephone-event (aiortc does not), so the browser's
    RTCDTMFSender can be heard there: the demo's flow, permission request included."""
    box = Box(tmp_path / "sandbox", "sandbox", extra={"dev": {"host_simulator": "on"}}).start()
    widget = HostedWidget(browser, box)
    try:
        widget.login()
        widget.dial_number("+" + meta.CALLER)
        widget.wait_screen("permission-request")
        widget.click("#request-send")
        widget.wait_screen("calling", timeout=20_000)
        widget.click("#calling-keys-toggle")
        widget.click('#calling-keys button[aria-label="5"]')
        widget.click('#calling-keys button[aria-label="hash"]')
        wait_for(lambda: "heard a keypad digit" in box.log() and "digit=#" in box.log(), timeout=10,
                 what="the sandbox user heard the digits")
        heard = [line for line in box.log().splitlines() if "heard a keypad digit" in line]
        assert [line.rsplit("digit=", 1)[1] for line in heard] == ["5", "#"], heard
        widget.click("#calling-hangup")
        widget.wait_screen("ended")
    finally:
        widget.close()
        box.stop()


def test_a_call_meta_refuses_ends_failed_and_hubspot_shows_why(widgets, widget_box, graph):
    widget = widgets()
    widget.login()
    grant_permission(widget_box, graph)
    graph.scripted.append(meta_error(131000, "Something went wrong", 500))
    widget.frame.locator("#dial-number").fill("+" + meta.CALLER)
    widget.frame.locator("#dial-number").press("Enter")
    widget.wait_screen("ended")
    assert widget.received("CALL_ENDED")[-1]["data"]["callEndStatus"] == "FAILED"
    errors = [e["data"]["message"] for e in widget.received("ERROR")]
    assert errors == [f"WhatsApp could not connect the call to +{meta.CALLER}."], errors
    assert widget.host_failures() == []


@pytest.mark.parametrize("capture", ["hubspot-dial-number-data-fragment-sdk-issue-228.json",
                                     "hubspot-dial-number-data-fragment-sdk-issue-216.json"])
def test_dial_number_data_hubspot_really_sent_fills_the_keypad(widgets, capture):
    """DIAL_NUMBER data pasted from real portals (conformance/captures): both `phone_number`
    and `phoneNumber`, `objectId: 0`, a 37-bit `calleeId`, no `objectType`. Only the masked
    digits are replaced, so the number can be dialled."""
    import conformance
    data = conformance.load_json("captures/" + capture)
    number = "+34600111222"
    data.update({key: number for key in ("phone_number", "phoneNumber") if key in data})
    widget = widgets()
    widget.login()
    widget.page.evaluate("(data) => window.host.send('DIAL_NUMBER', data)", data)
    widget.wait_screen("permission-request")
    assert widget.frame.locator("#dial-number").input_value() == number
    assert widget.host_failures() == []
