"""The outbox end to end: calls and messages reach the fake HubSpot exactly once, whatever
HubSpot does (500, 429 with Retry-After, answers that never come) and even when the box is
killed with a create on the wire."""
import subprocess
import time

import pytest

import meta
from box import BINARY, wait_for
from fake_hubspot import FakeHubSpot

CALLS = "/crm/v3/objects/calls"
CALL_SEARCH = "/crm/v3/objects/calls/search"
# The box's HubSpot request timeout (HubSpotAPI.requestTimeoutMilliseconds).
REQUEST_TIMEOUT = 10
# OutboxWorker.attemptLeaseMilliseconds: two request timeouts and the search delay.
ATTEMPT_LEASE = 30


@pytest.fixture
def hubspot():
    fake = FakeHubSpot().start()
    yield fake
    fake.stop()


@pytest.fixture
def hubspot_box(make_box, hubspot):
    def make(hubspot_settings=None):
        return make_box(hubspot_token=hubspot.token, extra={"hubspot": {"api_url": hubspot.url, **(hubspot_settings or {})}})
    return make


def journal(box, *args):
    return subprocess.run([BINARY, "journal", "--config", box.config_path, *args],
                          capture_output=True, text=True, timeout=30)


def end_call(box, call_id):
    """A call that rings, then the caller hangs up: a call record, and so an engagement."""
    assert box.deliver(meta.connect_offer(call_id))[0] == 200
    wait_for(lambda: box.query("select 1 from call_journal where call_key = ? and to_state = 'ringing'", call_id),
             what="ringing")
    assert box.deliver(meta.terminate(call_id, status="FAILED"))[0] == 200
    wait_for(lambda: box.query("select 1 from calls where call_id = ?", call_id), what="call record")


def engagements(hubspot, call_id):
    key = f"hubspot-call:{call_id}"
    with hubspot.lock:
        return [(object_id, call) for object_id, call in hubspot.calls.items()
                if call["properties"].get("hs_call_external_id") == key]


def outbox_row(box, call_id):
    rows = box.query("select * from outbox where idempotency_key = ?", f"hubspot-call:{call_id}")
    return rows[0] if rows else None


def delivered(box, call_id):
    row = outbox_row(box, call_id)
    return row if row and row["state"] == "delivered" else None


def requests_to(hubspot, path):
    with hubspot.lock:
        return [(t, r) for t, r in zip(hubspot.request_times, hubspot.requests) if r[1] == path]


def test_a_call_becomes_one_engagement_with_the_spec_properties(hubspot_box, hubspot):
    box = hubspot_box()
    call_id = "wacid.OUTBOX0001"
    end_call(box, call_id)
    row = wait_for(lambda: delivered(box, call_id), what="delivered")
    [(object_id, call)] = engagements(hubspot, call_id)
    assert row["object_id"] == object_id and row["attempts"] == 1
    properties = call["properties"]
    assert properties["hs_call_direction"] == "INBOUND"
    assert properties["hs_call_from_number"] == "+" + meta.CALLER
    assert properties["hs_call_to_number"] == "+" + meta.BUSINESS_NUMBER
    assert call_id in properties["hs_call_body"]
    assert call["associations"] == []
    assert hubspot.problems == []
    # Nothing more is sent for it, and the gauges agree.
    metrics = box.metrics()
    assert metrics['callbox_outbox_items{state="delivered"}'] == 1
    assert metrics['callbox_outbox_items{state="pending"}'] == 0
    assert metrics["callbox_outbox_oldest_pending_seconds"] == 0
    assert metrics['callbox_hubspot_requests_total{outcome="ok"}'] == len(hubspot.requests)


def test_a_known_caller_gets_the_call_and_messages_on_their_contact_with_their_owner(hubspot_box, hubspot):
    contact = hubspot.add_contact(phone="+" + meta.CALLER, owner="4401")
    box = hubspot_box()
    call_id = "wacid.OUTBOXCONT"
    end_call(box, call_id)
    box.deliver(meta.text_message("wamid.OUTBOXCONT", "hola"))
    wait_for(lambda: delivered(box, call_id), what="call delivered")
    wait_for(lambda: hubspot.communications, what="communication")
    [(_, call)] = engagements(hubspot, call_id)
    assert call["associations"] == [contact]
    assert call["properties"]["hubspot_owner_id"] == "4401"
    [communication] = hubspot.communications.values()
    assert communication["associations"] == [contact]
    assert hubspot.problems == []


def test_a_500_is_retried_after_looking_the_call_up_and_ends_with_one_engagement(hubspot_box, hubspot):
    hubspot.scripted = [(500, {"status": "error", "message": "internal error"}, {})]
    box = hubspot_box()
    call_id = "wacid.OUTBOX0500"
    end_call(box, call_id)
    row = wait_for(lambda: delivered(box, call_id), timeout=30, what="delivered after the 500")
    assert len(engagements(hubspot, call_id)) == 1
    assert row["attempts"] == 2
    # The 500 may have created it, so the box searched before creating again.
    paths = [r[1] for r in hubspot.requests if r[1] in (CALLS, CALL_SEARCH)]
    assert paths == [CALLS, CALL_SEARCH, CALLS], paths
    assert box.metrics()['callbox_hubspot_requests_total{outcome="server_error"}'] == 1
    assert hubspot.problems == []


def test_a_429_waits_for_retry_after_and_does_not_search(hubspot_box, hubspot):
    hubspot.scripted = [(429, {"status": "error", "message": "rate limited", "category": "RATE_LIMITS"},
                         {"Retry-After": "3"})]
    box = hubspot_box()
    call_id = "wacid.OUTBOX0429"
    end_call(box, call_id)
    wait_for(lambda: delivered(box, call_id), timeout=20, what="delivered after the 429")
    creates = requests_to(hubspot, CALLS)
    assert len(creates) == 2
    gap = creates[1][0] - creates[0][0]
    assert 3 <= gap < 3 + 2, f"retried {gap:.2f}s after a Retry-After of 3s"
    assert requests_to(hubspot, CALL_SEARCH) == [], "a 429 created nothing; no lookup needed"
    assert len(engagements(hubspot, call_id)) == 1


def test_an_answer_that_never_comes_is_looked_up_not_created_twice(hubspot_box, hubspot):
    hubspot.stall_creates_seconds = REQUEST_TIMEOUT + 3
    box = hubspot_box()
    call_id = "wacid.OUTBOXSTAL"
    end_call(box, call_id)
    # HubSpot stores the call but the box gives up waiting for the answer.
    wait_for(lambda: engagements(hubspot, call_id), what="the create arrives")
    hubspot.stall_creates_seconds = 0
    # While the answer is awaited the item is pending, and its age shows.
    time.sleep(1.2)
    metrics = box.metrics()
    assert metrics['callbox_outbox_items{state="pending"}'] == 1
    assert metrics["callbox_outbox_oldest_pending_seconds"] >= 1
    row = wait_for(lambda: delivered(box, call_id), timeout=REQUEST_TIMEOUT + 20, what="delivered after the timeout")
    [(object_id, _)] = engagements(hubspot, call_id)
    assert row["object_id"] == object_id, "the lookup found the call the lost answer was for"
    assert len(requests_to(hubspot, CALLS)) == 1
    assert len(requests_to(hubspot, CALL_SEARCH)) == 1
    assert box.metrics()['callbox_hubspot_requests_total{outcome="transport"}'] == 1


def test_kill_9_with_a_create_on_the_wire_still_ends_with_one_engagement_per_call(hubspot_box, hubspot):
    hubspot.stall_creates_seconds = 60
    box = hubspot_box()
    calls = ["wacid.OUTBOXKIL1", "wacid.OUTBOXKIL2"]
    for call_id in calls:
        end_call(box, call_id)
    wait_for(lambda: all(engagements(hubspot, c) for c in calls), what="both creates arrive")
    box.kill9()
    hubspot.stall_creates_seconds = 0
    for call_id in calls:
        row = outbox_row(box, call_id)
        assert row["state"] == "pending" and row["may_exist"] == 1 and row["attempts"] == 1, row
    box.start()
    for call_id in calls:
        wait_for(lambda: delivered(box, call_id), timeout=ATTEMPT_LEASE + 15, what=f"{call_id} delivered after restart")
    for call_id in calls:
        [(object_id, _)] = engagements(hubspot, call_id)
        assert delivered(box, call_id)["object_id"] == object_id
    assert len(requests_to(hubspot, CALLS)) == 2, "nothing was created again"
    assert len(hubspot.calls) == 2
    assert hubspot.problems == []


def test_a_validation_refusal_is_parked_shown_and_can_be_requeued(hubspot_box, hubspot):
    hubspot.scripted = [(400, {"status": "error", "message": "Property values were not valid",
                               "category": "VALIDATION_ERROR"}, {})]
    box = hubspot_box()
    call_id = "wacid.OUTBOX0400"
    end_call(box, call_id)
    wait_for(lambda: (outbox_row(box, call_id) or {}).get("state") == "parked", what="parked")
    assert len(requests_to(hubspot, CALLS)) == 1, "a refusal is not retried"
    listing = journal(box, "outbox")
    assert listing.returncode == 0, listing.stderr
    assert "1 parked" in listing.stdout
    assert f"hubspot-call:{call_id}" in listing.stdout
    assert "VALIDATION_ERROR: Property values were not valid" in listing.stdout
    assert box.metrics()['callbox_outbox_items{state="parked"}'] == 1

    item_id = outbox_row(box, call_id)["id"]
    requeued = journal(box, "outbox", "requeue", str(item_id))
    assert requeued.returncode == 0, requeued.stderr
    wait_for(lambda: delivered(box, call_id), timeout=15, what="delivered after requeue")
    assert len(engagements(hubspot, call_id)) == 1
    assert "0 parked" in journal(box, "outbox").stdout
    assert journal(box, "outbox", "requeue", str(item_id)).returncode == 1, "only parked items are requeued"


def test_messages_become_whatsapp_communications_once(hubspot_box, hubspot):
    box = hubspot_box()
    message = meta.text_message("wamid.OUTBOXMSG1", "Hola, <b>llamadme</b>")
    assert box.deliver(message)[0] == 200
    assert box.deliver(message)[0] == 200
    wait_for(lambda: hubspot.communications, what="communication")
    wait_for(lambda: box.query("select 1 from outbox where state = 'delivered'"), what="delivered")
    [communication] = hubspot.communications.values()
    properties = communication["properties"]
    assert properties["hs_communication_channel_type"] == "WHATS_APP"
    assert properties["hs_communication_logged_from"] == "CRM"
    assert "Hola, &lt;b&gt;llamadme&lt;/b&gt;" in properties["hs_communication_body"]
    assert len(box.query("select * from outbox")) == 1
    assert hubspot.problems == []


def test_a_text_sent_from_a_contact_record_is_logged_on_that_contact(hubspot_box, hubspot):
    contact = hubspot.add_contact(phone="+44 7700 900123")
    box = hubspot_box()
    status, body, _ = box.login().post("/api/whatsapp/send", {"to": meta.CALLER, "message": "See you at 10",
                                                              "contactId": contact})
    assert status == 200, body
    wait_for(lambda: hubspot.communications, what="communication")
    [communication] = hubspot.communications.values()
    assert communication["associations"] == [contact], "the widget's contact, not a phone match"
    assert communication["properties"]["hs_communication_body"].startswith("To +" + meta.CALLER + ": See you at 10")
    wait_for(lambda: box.query("select state from outbox")[0]["state"] == "delivered", what="delivered")
    assert hubspot.problems == []


def test_with_log_messages_off_only_calls_are_logged(hubspot_box, hubspot):
    box = hubspot_box({"log_messages": "off"})
    box.deliver(meta.text_message("wamid.OUTBOXOFF1", "hola"))
    call_id = "wacid.OUTBOXOFF1"
    end_call(box, call_id)
    wait_for(lambda: delivered(box, call_id), what="call delivered")
    assert hubspot.communications == {}
    assert len(box.query("select * from outbox")) == 1


def test_without_a_hubspot_token_nothing_is_queued_and_the_box_says_so(make_box, hubspot):
    box = make_box()
    call_id = "wacid.OUTBOXNONE"
    end_call(box, call_id)
    assert box.query("select * from outbox") == []
    assert "HubSpot is not configured" in box.log()
    assert hubspot.requests == []
