"""The widgets' live events, `GET /api/events` (issue 5 item 4), against the real binary:
the stream's shape, routing of incoming calls (owner first), call states to everyone, one
answer wins, replay on reconnect, reset, heartbeat, and the end of a stream with its session."""
import socket
import time

import pytest

import meta
from box import AGENT_NAME, password_hash, wait_for
from sse import EventStream
from fake_hubspot import ANA_OWNER, TOKEN

PASSWORD = "agent-password"


@pytest.fixture
def office(make_box, hubspot):
    """A box with two more agents: ana owns the caller's contact in HubSpot, bo owns nobody."""
    hashed = password_hash(PASSWORD)
    return make_box(hubspot_token=TOKEN, extra={
        "hubspot": {"api_url": hubspot.url},
        "routing": {"handset": "never"},
        "agent ana": {"email": "ana@example.com", "password_hash": hashed, "hubspot_owner_id": ANA_OWNER},
        "agent bo": {"email": "bo@example.com", "password_hash": hashed},
    })


def states_until(events, call, final):
    """The call.state events for `call` up to and including the first in state `final`."""
    states = []
    while not states or states[-1]["data"]["state"] != final:
        states.append(events.next("call.state", call=call))
    return states


def stream(box, session, **kwargs):
    events = EventStream(box, session.cookie, **kwargs)
    assert events.status == 200
    return events


def test_a_stream_starts_with_retry_and_hello_and_needs_a_session(box):
    session = box.login()
    events = stream(box, session)
    assert events.headers["content-type"] == "text/event-stream"
    assert events.headers["cache-control"] == "no-store"
    hello = events.next()
    assert hello["event"] == "hello" and hello["id"] is None
    assert hello["data"]["agent"] == AGENT_NAME and hello["data"]["last_id"] == 0
    assert abs(hello["data"]["server_time_ms"] - time.time() * 1000) < 5_000
    assert events.first_field == "retry: 2000" and events.retry == 2000
    assert box.metrics()["callbox_event_streams"] == 1
    events.close()
    anonymous = EventStream(box, "callbox_session=nobody")
    assert anonymous.status == 401


def test_an_incoming_call_rings_the_owner_first_then_everyone_and_states_reach_all(office, hubspot, graph):
    contact = hubspot.add_contact(phone="+" + meta.CALLER, owner=ANA_OWNER, firstname="Carmen", lastname="Ruiz")
    ana, bo = office.login("ana@example.com", PASSWORD), office.login("bo@example.com", PASSWORD)
    ana_events, bo_events = stream(office, ana), stream(office, bo)
    for events in (ana_events, bo_events):
        events.next("hello")
    office.deliver(meta.connect_offer("wacid.EVENTS0001"))
    to_ana = ana_events.next("call.incoming", call="wacid.EVENTS0001")
    to_bo = bo_events.next("call.incoming", call="wacid.EVENTS0001")
    # owner_first is 2 s in box.py: bo's widget rings that much later.
    assert 1.5 < to_bo["at"] - to_ana["at"] < 3.5
    assert to_bo["data"]["rings_at_ms"] - to_ana["data"]["rings_at_ms"] == 2_000
    incoming = to_ana["data"]
    assert incoming["from"] == meta.CALLER
    assert incoming["contact"] == {"id": contact, "name": "Carmen Ruiz"} and incoming["caller_name"] == "Carmen Ruiz"
    assert incoming["offer_sdp"] == meta.META_OFFER
    assert incoming["ring_reason"] == "owner_first(agent=ana)"
    assert incoming["expires_at_ms"] > incoming["rings_at_ms"]
    assert to_bo["id"] > to_ana["id"]

    # One answer wins: ana answers in her browser, bo is too late.
    status, body, _ = ana.post("/api/calls/wacid.EVENTS0001/answer", {"via": "browser", "sdp": meta.BOX_ANSWER})
    assert status == 200 and body["call"] == "wacid.EVENTS0001", body
    status, body, _ = bo.post("/api/calls/wacid.EVENTS0001/answer", {"via": "browser", "sdp": meta.BOX_ANSWER})
    assert status == 409 and body["error"]["code"] == "already_answered"
    assert body["error"]["agent"] == "ana" and body["error"]["answered_by"] == "browser"
    for events in (ana_events, bo_events):
        states = states_until(events, "wacid.EVENTS0001", "active")
        assert {state["data"]["state"] for state in states} == {"answering", "active"}
        assert all(s["data"]["answered_by"] == "browser" and s["data"]["agent"] == "ana" for s in states)
    pre_accept, accept = wait_for(lambda: graph.calls("pre_accept") and graph.calls("accept")
                                  and (graph.calls("pre_accept")[0], graph.calls("accept")[0]))
    assert pre_accept.json["session"]["sdp"] == accept.json["session"]["sdp"] == meta.BOX_ANSWER

    office.deliver(meta.terminate("wacid.EVENTS0001", duration=3))
    for events in (ana_events, bo_events):
        ended = states_until(events, "wacid.EVENTS0001", "ended")[-1]
        assert ended["data"]["outcome"] == "completed"
        assert ended["data"]["end_reason"] == "remote_hangup"
    assert graph.all_problems() == []


def test_an_owner_without_an_open_stream_does_not_hold_the_call_back(office, hubspot, graph):
    hubspot.add_contact(phone="+" + meta.CALLER, owner=ANA_OWNER, firstname=None, lastname=None)
    office.login("ana@example.com", PASSWORD)  # signed in, but her widget is not listening
    bo_events = stream(office, office.login("bo@example.com", PASSWORD))
    bo_events.next("hello")
    started = time.monotonic()
    office.deliver(meta.connect_offer("wacid.EVENTS0002", name="Profile Name"))
    incoming = bo_events.next("call.incoming", call="wacid.EVENTS0002")
    assert incoming["at"] - started < 1.5
    assert incoming["data"]["ring_reason"] == "owner_not_signed_in(agent=ana)"
    assert incoming["data"]["caller_name"] == "Profile Name", "the contact has no name here: the WhatsApp profile's"


def test_a_reconnect_replays_what_was_missed_and_a_lost_id_is_a_reset(box, graph):
    session = box.login()
    first = stream(box, session)
    first.next("hello")
    box.deliver(meta.text_message("wamid.EVENTS0001", "first"))
    seen = first.next("message.new")
    assert seen["data"]["wamid"] == "wamid.EVENTS0001" and seen["data"]["body"] == "first"
    assert seen["data"]["direction"] == "inbound" and seen["data"]["phone"] == meta.CALLER
    first.close()
    box.deliver(meta.text_message("wamid.EVENTS0002", "while away"))
    wait_for(lambda: box.query("select 1 from comms_log where wamid = 'wamid.EVENTS0002'"))
    again = stream(box, session, last_event_id=seen["id"])
    assert again.next("hello")["data"]["last_id"] == seen["id"] + 1
    missed = again.next()
    assert missed["event"] == "message.new" and missed["data"]["wamid"] == "wamid.EVENTS0002"
    assert missed["id"] == seen["id"] + 1
    again.close()
    by_query = stream(box, session, query=f"?last_event_id={seen['id']}")
    by_query.next("hello")
    assert by_query.next()["data"]["wamid"] == "wamid.EVENTS0002"
    by_query.close()
    from_the_future = stream(box, session, last_event_id=seen["id"] + 100)
    from_the_future.next("hello")
    reset = from_the_future.next()
    assert reset["event"] == "reset" and reset["data"] == {"reason": "unknown_id"}


def test_an_id_that_left_the_ring_gets_a_reset(box, graph):
    session = box.login()
    listening = stream(box, session)
    listening.next("hello")
    # 520 messages in 13 deliveries of 40 push the first events out of the 512-event ring.
    for batch in range(13):
        payload = meta.text_message(f"wamid.RING{batch:03d}00", "x")
        value = payload["entry"][0]["changes"][0]["value"]
        value["messages"] = [dict(value["messages"][0], id=f"wamid.RING{batch:03d}{n:02d}") for n in range(40)]
        assert box.deliver(payload)[0] == 200
    last = None
    for _ in range(520):
        last = listening.next("message.new")
    assert last["id"] == 520
    listening.close()
    late = stream(box, session, last_event_id=3)
    late.next("hello")
    reset = late.next()
    assert reset["event"] == "reset" and reset["data"] == {"reason": "buffer_overflow"} and reset["id"] == 520
    recent = stream(box, session, last_event_id=500)
    recent.next("hello")
    assert [recent.next()["id"] for _ in range(20)] == list(range(501, 521)), "events still in the ring are replayed"


def test_the_stream_ends_when_its_session_signs_out(box):
    session = box.login()
    events = stream(box, session)
    events.next("hello")
    assert session.post("/api/logout")[0] == 200
    assert events.ended.wait(5), "the stream closes with its session"


def test_a_quiet_stream_gets_a_heartbeat_every_15_seconds(box):
    events = stream(box, box.login())
    events.next("hello")
    opened = time.monotonic()
    wait_for(lambda: events.pings, timeout=20, what="a heartbeat")
    at, text = events.pings[0]
    assert text == ": ping"
    assert 13 < at - opened < 17
    assert not events.ended.is_set(), "the server's 30 s idle timeout does not close a stream with heartbeats"


def test_sigterm_closes_open_streams_and_the_box_stops(box):
    events = stream(box, box.login())
    events.next("hello")
    started = time.monotonic()
    box.process.send_signal(15)
    assert box.process.wait(timeout=10) == 0
    assert events.ended.wait(5)
    assert time.monotonic() - started < 5


def raw_stream(box, session):
    """An event stream on a bare socket, so closing it really closes it (as a tab reload does);
    answers the socket and the status line."""
    client = socket.create_connection(("127.0.0.1", box.port), timeout=5)
    client.sendall(f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {session.cookie}\r\n"
                   "Accept: text/event-stream\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += client.recv(4096)
    return client, head.split(b"\r\n", 1)[0].decode()


def test_a_reloaded_widget_gets_its_stream_slot_back_at_once(box):
    session = box.login()
    streams = [raw_stream(box, session) for _ in range(4)]
    assert [status for _, status in streams] == ["HTTP/1.1 200 OK"] * 4
    refused, status = raw_stream(box, session)
    assert status == "HTTP/1.1 429 Too Many Requests", "four streams per agent"
    refused.close()
    # The reload: the old page's stream closes and the new page asks at once. The box hears the
    # close although it has nothing to write (the next heartbeat is up to 15 s away).
    streams[0][0].close()
    closed = time.monotonic()
    wait_for(lambda: box.metrics()["callbox_event_streams"] == 3, timeout=2, what="the slot given back")
    print(f"\nslot given back {1000 * (time.monotonic() - closed):.0f} ms after the close")
    again, status = raw_stream(box, session)
    assert status == "HTTP/1.1 200 OK"
    for client, _ in streams[1:] + [(again, status)]:
        client.close()
