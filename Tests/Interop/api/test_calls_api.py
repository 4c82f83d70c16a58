"""The widget's calls API, `/api/calls/…` (issue 5 item 5), against the real binary: browser
calls with aiortc playing both the WhatsApp user and the agent's browser, handset and
status routes, and the logging hand-off between the widget and the outbox."""
import time

import pytest

import meta
from box import wait_for
from fake_graph import meta_error
from fake_hubspot import FakeHubSpot
from grants import grant_permission
from phone import Phone, tone_ratio
from sse import EventStream


@pytest.fixture
def phones():
    made = []

    def make(tone_hz):
        phone = Phone(tone_hz)
        made.append(phone)
        return phone
    yield make
    for phone in made:
        phone.close()


def listening(box, session):
    events = EventStream(box, session.cookie)
    assert events.status == 200
    events.next("hello")
    return events


def one_fingerprint(sdp):
    """aiortc lists sha-256, -384 and -512 fingerprints; browsers and Meta use one sha-256."""
    return "".join(line for line in sdp.splitlines(keepends=True)
                   if not line.startswith("a=fingerprint:") or line.startswith("a=fingerprint:sha-256 "))


def hears(phone, frequency, since):
    return len(phone.audio(since)) > 48_000 and tone_ratio(phone.audio(since), frequency) > 0.5


def test_an_inbound_call_answered_in_the_browser_sends_the_browsers_answer_to_meta(box, graph, phones):
    user, browser = phones(440.0), phones(880.0)
    session = box.login()
    events = listening(box, session)
    box.deliver(meta.connect_offer("wacid.BROWSER001", sdp=user.offer()))
    incoming = events.next("call.incoming", call="wacid.BROWSER001")["data"]
    answer = one_fingerprint(browser.answer(incoming["offer_sdp"]))
    status, body, _ = session.post("/api/calls/wacid.BROWSER001/answer", {"via": "browser", "sdp": answer})
    assert status == 200 and body == {"call": "wacid.BROWSER001", "state": "answering"}, body
    wait_for(lambda: graph.calls("accept"), what="accept")
    pre_accept, accept = graph.calls("pre_accept")[0], graph.calls("accept")[0]
    assert [r.action for r in graph.calls()] == ["pre_accept", "accept"]
    assert pre_accept.json["session"]["sdp"] == answer and accept.json["session"]["sdp"] == answer, "byte-identical"
    # Meta relays the browser's answer to the user: their media meet without the box.
    user.accept_answer(accept.json["session"]["sdp"])
    wait_for(lambda: user.state == "connected" and browser.state == "connected", timeout=15, what="ICE")
    since = time.monotonic()
    wait_for(lambda: hears(user, 880.0, since) and hears(browser, 440.0, since), timeout=15, what="audio both ways")

    status, call, _ = session.get("/api/calls/status/wacid.BROWSER001")
    assert status == 200
    assert call["state"] == "active" and call["answered_by"] == "browser" and call["agent"] == "interop"
    assert call["direction"] == "inbound" and call["remote"] == meta.CALLER and call["answer_sdp"] == answer
    assert call["ended_at_ms"] is None and call["outcome"] is None
    status, recent, _ = session.get("/api/calls/recent")
    assert [c["call"] for c in recent["live"]] == ["wacid.BROWSER001"] and recent["recent"] == []

    status, body, _ = session.post("/api/calls/end", {"call": "wacid.BROWSER001"})
    assert status == 200 and body["state"] == "ending", body
    wait_for(lambda: graph.calls("terminate"), what="terminate")
    box.deliver(meta.terminate("wacid.BROWSER001", duration=2))
    wait_for(lambda: session.get("/api/calls/status/wacid.BROWSER001")[1]["outcome"] == "completed", what="record")
    status, recent, _ = session.get("/api/calls/recent?limit=5")
    assert recent["live"] == [] and recent["recent"][0]["call"] == "wacid.BROWSER001"
    assert recent["recent"][0]["state"] == "ended" and recent["recent"][0]["duration_ms"] > 0
    assert graph.all_problems() == []


def test_a_second_answer_loses_and_the_handset_lifting_first_wins(box, graph):
    session = box.login()
    box.deliver(meta.connect_offer("wacid.BROWSER002"))
    wait_for(lambda: session.get("/api/calls/status/wacid.BROWSER002")[1].get("state") == "ringing", what="ringing")
    assert session.post("/api/calls/wacid.BROWSER002/answer", {"via": "handset"})[0] == 200
    status, body, _ = session.post("/api/calls/wacid.BROWSER002/answer", {"via": "browser", "sdp": meta.BOX_ANSWER})
    assert status == 409 and body["error"]["code"] == "already_answered" and body["error"]["answered_by"] == "handset"
    status, body, _ = session.post("/api/calls/wacid.BROWSER002/mute", {"muted": True})
    assert status == 200, body
    status, body, _ = session.post("/api/calls/wacid.BROWSER002/dtmf", {"digits": "12#"})
    assert status in (200, 409), body  # 409 only when the caller's offer had no telephone-event
    assert session.post("/api/calls/wacid.NOSUCHCALL/answer", {"via": "handset"})[0] == 404
    assert session.post("/api/calls/wacid.BROWSER002/answer", {"via": "fax"})[0] == 400
    assert session.post("/api/calls/wacid.BROWSER002/answer", {"via": "browser"})[0] == 400
    box.deliver(meta.connect_offer("wacid.BROWSER003"))
    wait_for(lambda: session.get("/api/calls/status/wacid.BROWSER003")[1].get("state") == "ringing", what="ringing")
    status, body, _ = session.post("/api/calls/wacid.BROWSER003/reject")
    assert status == 200, body
    wait_for(lambda: graph.calls("reject"), what="reject")
    status, body, _ = session.post("/api/calls/wacid.BROWSER003/answer", {"via": "browser", "sdp": meta.BOX_ANSWER})
    assert status == 409 and body["error"]["code"] == "not_ringing"


def test_an_outbound_browser_call_gets_metas_answer_over_the_event_stream(box, graph, phones):
    user, browser = phones(440.0), phones(880.0)
    session = box.login()
    events = listening(box, session)
    status, body, _ = session.post("/api/calls/initiate", {"to": meta.CALLER, "via": "browser", "sdp": meta.BOX_OFFER})
    assert status == 422 and body["error"]["rule"], body  # no permission yet: refused before Meta is asked
    grant_permission(box, graph)
    offer = one_fingerprint(browser.offer())
    status, body, _ = session.post("/api/calls/initiate", {"to": meta.CALLER, "via": "browser", "sdp": offer})
    # The answer waits for Meta's call id, so the widget names the call as Meta does from the start.
    call_id = "wacid.FAKE00000001"
    assert status == 200 and body == {"call": call_id, "state": "ringing"}, body
    assert graph.calls("connect")[0].json["session"] == {"sdp_type": "offer", "sdp": offer}
    answer = one_fingerprint(user.answer(offer))
    box.deliver(meta.connect_answer(call_id, sdp=answer))
    delivered = events.next("call.answer_sdp", call=call_id)
    assert delivered["data"] == {"call": call_id, "sdp": answer}
    browser.accept_answer(delivered["data"]["sdp"])
    box.deliver(meta.call_status(call_id, "ACCEPTED"))
    wait_for(lambda: user.state == "connected" and browser.state == "connected", timeout=15, what="ICE")
    since = time.monotonic()
    wait_for(lambda: hears(user, 880.0, since) and hears(browser, 440.0, since), timeout=15, what="audio both ways")
    status, call, _ = session.get(f"/api/calls/status/{call_id}")
    assert call["direction"] == "outbound" and call["answered_by"] == "browser" and call["offer_sdp"] == offer
    assert session.post("/api/calls/end", {"call": call_id})[0] == 200
    wait_for(lambda: graph.calls("terminate"), what="terminate")
    assert graph.all_problems() == []
    graph.scripted.append(meta_error(131000, "Something went wrong", 500))
    status, body, _ = session.post("/api/calls/initiate", {"to": meta.CALLER, "via": "browser", "sdp": offer})
    assert status == 200 and body["state"] == "failed" and body["call"].startswith("local:"), body


@pytest.fixture
def hubspot():
    fake = FakeHubSpot().start()
    yield fake
    fake.stop()


def browser_call(box, session, call_id):
    """An inbound call answered in the browser and hung up by the caller: a call record."""
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: session.get(f"/api/calls/status/{call_id}")[1].get("state") == "ringing", what="ringing")
    assert session.post(f"/api/calls/{call_id}/answer", {"via": "browser", "sdp": meta.BOX_ANSWER})[0] == 200
    wait_for(lambda: session.get(f"/api/calls/status/{call_id}")[1].get("state") == "active", what="active")
    box.deliver(meta.terminate(call_id, duration=4))
    wait_for(lambda: session.get(f"/api/calls/status/{call_id}")[1].get("outcome") == "completed", what="record")


def outbox_row(box, call_id):
    rows = box.query("select * from outbox where idempotency_key = ?", f"hubspot-call:{call_id}")
    return rows[0] if rows else None


def call_writes(hubspot):
    with hubspot.lock:
        return [(method, path) for method, path, _ in hubspot.requests if path.startswith("/crm/v3/objects/calls")]


def test_a_call_the_widget_completed_is_not_logged_again_by_the_box(make_box, hubspot):
    box = make_box(hubspot_token=hubspot.token, extra={"hubspot": {"api_url": hubspot.url}})
    session = box.login()
    browser_call(box, session, "wacid.LOGGED0001")
    row = outbox_row(box, "wacid.LOGGED0001")
    assert row["state"] == "pending" and row["next_attempt_at"] - row["created_at"] == 15 * 60 * 1000
    status, body, _ = session.post("/api/calls/wacid.LOGGED0001/completed", {"engagementId": 5550001})
    assert status == 200, body
    row = outbox_row(box, "wacid.LOGGED0001")
    assert row["state"] == "delivered" and row["object_id"] == "5550001" and row["last_error"] == "logged by the widget"
    # A handset call is logged by the box at once, as before.
    box.deliver(meta.connect_offer("wacid.LOGGED0002"))
    wait_for(lambda: session.get("/api/calls/status/wacid.LOGGED0002")[1].get("state") == "ringing", what="ringing")
    box.deliver(meta.terminate("wacid.LOGGED0002", status="FAILED"))
    wait_for(lambda: (outbox_row(box, "wacid.LOGGED0002") or {}).get("state") == "delivered", what="missed call logged")
    assert call_writes(hubspot) == [("POST", "/crm/v3/objects/calls")], "one engagement: the missed call's"


def test_an_engagement_the_widget_never_completed_is_updated_not_duplicated(make_box, hubspot):
    box = make_box(hubspot_token=hubspot.token, extra={"hubspot": {"api_url": hubspot.url}})
    with hubspot.lock:
        hubspot.calls["7770001"] = {"id": "7770001", "properties": {}}  # made through HubSpot's SDK by the widget
    session = box.login()
    browser_call(box, session, "wacid.LOGGED0003")
    assert session.post("/api/calls/wacid.LOGGED0003/engagement", {"engagementId": "7770001"})[0] == 200
    assert session.post("/api/calls/wacid.LOGGED0003/engagement", {"engagementId": "x1"})[0] == 400
    row = outbox_row(box, "wacid.LOGGED0003")
    assert row["state"] == "pending" and row["object_id"] == "7770001"
    # The widget was closed: the grace runs out (brought forward here; the restart wakes the worker).
    box.stop()
    with box.db() as connection:
        connection.execute("update outbox set next_attempt_at = 0 where idempotency_key = 'hubspot-call:wacid.LOGGED0003'")
    box.start()
    wait_for(lambda: outbox_row(box, "wacid.LOGGED0003")["state"] == "delivered", what="the engagement updated")
    assert call_writes(hubspot) == [("PATCH", "/crm/v3/objects/calls/7770001")]
    with hubspot.lock:
        properties = hubspot.calls["7770001"]["properties"]
    assert properties["hs_call_external_id"] == "hubspot-call:wacid.LOGGED0003"
    assert properties["hs_call_direction"] == "INBOUND"
    assert hubspot.problems == []
