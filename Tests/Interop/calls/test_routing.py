"""Incoming calls are routed by the caller's HubSpot contact owner, and messages get their
contact id (issue 4 items 1, 5 and 7), with the real binary against the fake HubSpot.

An agent counts as signed in for ringing while their widget listens on the event stream;
here the decision is read from the journal and the handset's part of it is checked
(test_events.py checks what the widgets hear).
"""
import os
import subprocess
import time

import pytest

import meta
from box import AGENT_NAME, BINARY, wait_for
from fake_hubspot import ANA_OWNER, TOKEN
from sse import EventStream

# Only the shape is checked at start; nobody signs in with it here.
PASSWORD_HASH = "scrypt$16384$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


@pytest.fixture
def crm_box(make_box, hubspot):
    def make(handset="always"):
        return make_box(hubspot_token=TOKEN, extra={
            "hubspot": {"api_url": hubspot.url},
            "routing": {"handset": handset},
            "agent ana": {"email": "ana@example.com", "password_hash": PASSWORD_HASH, "hubspot_owner_id": ANA_OWNER},
            "agent bo": {"email": "bo@example.com", "password_hash": PASSWORD_HASH},
        })
    return make


def routed(box, call_id):
    rows = box.query("select from_state, to_state, detail from call_journal where call_key = ? and event = 'routed'",
                     call_id)
    return rows[0] if rows else None


def hook(box, state):
    with open(os.path.join(box.data_dir, "hook"), "w") as f:
        f.write(state + "\n")


def searches(hubspot):
    return [body for method, path, body in hubspot.requests if path == "/crm/v3/objects/contacts/search"]


def test_a_call_from_a_contact_owned_by_an_agent_names_the_owner_and_why(crm_box, hubspot, graph):
    contact = hubspot.add_contact(phone="+" + meta.CALLER, owner=ANA_OWNER)
    box = crm_box()
    box.deliver(meta.connect_offer("wacid.ROUTED0001"))
    row = wait_for(lambda: routed(box, "wacid.ROUTED0001"), what="routed row")
    # Nobody can sign in yet, so the owner is known but not signed in: everyone at once.
    assert row == {"from_state": "ringing", "to_state": "ringing",
                   "detail": f"owner_not_signed_in(agent=ana); everyone now, handset now; contact {contact}"}
    search = searches(hubspot)[0]
    values = [(f["propertyName"], f["value"]) for g in search["filterGroups"] for f in g["filters"]]
    assert ("phone", "+" + meta.CALLER) in values and ("mobilephone", meta.CALLER) in values
    assert "hubspot_owner_id" in search["properties"]
    assert hubspot.problems == []
    shown = subprocess.run([BINARY, "journal", "--config", box.config_path, "call", "wacid.ROUTED0001"],
                           capture_output=True, text=True, timeout=30).stdout
    assert f"ringing → ringing  on routed  (owner_not_signed_in(agent=ana); everyone now, handset now; contact {contact})" in shown


def test_a_contact_owned_by_someone_else_or_nobody_rings_everyone(crm_box, hubspot, graph):
    hubspot.add_contact(mobilephone="00" + "34600111333", owner="999")
    hubspot.add_contact(phone=meta.CALLER)
    box = crm_box()
    box.deliver(meta.connect_offer("wacid.ROUTED0002", caller="34600111333"))
    box.deliver(meta.connect_offer("wacid.ROUTED0003"))
    other = wait_for(lambda: routed(box, "wacid.ROUTED0002"), what="routed row")["detail"]
    nobody = wait_for(lambda: routed(box, "wacid.ROUTED0003"), what="routed row")["detail"]
    assert other.startswith("no_owner_match(owner=999); everyone now, handset now; contact ")
    assert nobody.startswith("no_owner_match(contact_has_no_owner); everyone now")


def test_an_unknown_number_rings_everyone_at_once(crm_box, hubspot, graph):
    box = crm_box()
    box.deliver(meta.connect_offer("wacid.ROUTED0004"))
    assert wait_for(lambda: routed(box, "wacid.ROUTED0004"))["detail"] == "no_contact_match; everyone now, handset now"
    # Six (property, form) pairs take two searches of at most five filter groups.
    assert [len(body["filterGroups"]) for body in searches(hubspot)] == [5, 1]


def test_without_hubspot_nobody_is_asked(box, graph):
    box.deliver(meta.connect_offer("wacid.ROUTED0005"))
    assert wait_for(lambda: routed(box, "wacid.ROUTED0005"))["detail"] == "no_contact_lookup; everyone now, handset now"


def test_a_slow_hubspot_does_not_hold_the_call_past_the_wait(crm_box, hubspot, graph):
    hubspot.add_contact(phone="+" + meta.CALLER, owner=ANA_OWNER)
    hubspot.stall_seconds = 3
    box = crm_box()
    started = time.monotonic()
    box.deliver(meta.connect_offer("wacid.ROUTED0006"))
    row = wait_for(lambda: routed(box, "wacid.ROUTED0006"), what="routed row")
    assert time.monotonic() - started < 2.5
    assert row["detail"] == "contact_lookup_timed_out; everyone now, handset now"


def test_the_handset_never_rings_when_routing_says_never(crm_box, hubspot, graph):
    box = crm_box(handset="never")
    box.deliver(meta.connect_offer("wacid.ROUTED0007"))
    assert wait_for(lambda: routed(box, "wacid.ROUTED0007"))["detail"] == "no_contact_match; everyone now, handset never"
    hook(box, "offhook")
    time.sleep(1.5)
    assert graph.calls("pre_accept") == [], "lifting a handset that was not rung answers nothing"
    hook(box, "onhook")


def test_the_handset_rings_and_answers_when_routing_says_always(crm_box, hubspot, graph):
    box = crm_box(handset="always")
    box.deliver(meta.connect_offer("wacid.ROUTED0008"))
    wait_for(lambda: routed(box, "wacid.ROUTED0008"))
    hook(box, "offhook")
    wait_for(lambda: graph.calls("pre_accept"), what="pre_accept after lifting the rung handset")
    hook(box, "onhook")


def test_messages_get_their_contact_id_or_unknown_phone(crm_box, hubspot, graph):
    contact = hubspot.add_contact(phone="0034600111222", owner=ANA_OWNER)
    box = crm_box()
    box.deliver(meta.text_message("wamid.KNOWN00001", "hola"))
    box.deliver(meta.text_message("wamid.STRANGER01", "hello", sender="447700900123"))
    box.deliver(meta.text_message("wamid.KNOWN00002", "¿sigue abierto?"))

    def contacts():
        rows = box.query("select wamid, hubspot_contact_id from comms_log order by id")
        return rows if all(r["hubspot_contact_id"] for r in rows) and len(rows) == 3 else None

    assert wait_for(contacts, what="contact ids") == [
        {"wamid": "wamid.KNOWN00001", "hubspot_contact_id": contact},
        {"wamid": "wamid.STRANGER01", "hubspot_contact_id": "unknown:447700900123"},
        {"wamid": "wamid.KNOWN00002", "hubspot_contact_id": contact},
    ]
    firsts = sorted(body["filterGroups"][0]["filters"][0]["value"] for body in searches(hubspot))
    # The known number is found by the first search (its 00 form on phone); the stranger
    # takes both; the second message from the known number is answered from the cache.
    assert firsts == ["+34600111222", "+447700900123", "00447700900123"], firsts
    assert hubspot.problems == []


def test_messages_without_hubspot_are_unknown(box):
    box.deliver(meta.text_message("wamid.NOCRM00001", "hola"))
    assert wait_for(lambda: box.query("select hubspot_contact_id from comms_log where hubspot_contact_id is not null")) == [
        {"hubspot_contact_id": "unknown:" + meta.CALLER}]


def test_a_signed_in_owner_rings_alone_first_and_the_handset_joins_after_owner_first(make_box, hubspot, graph):
    contact = hubspot.add_contact(phone="+" + meta.CALLER, owner=ANA_OWNER)
    box = make_box(hubspot_token=TOKEN, extra={"hubspot": {"api_url": hubspot.url},
                                               f"agent {AGENT_NAME}": {"hubspot_owner_id": ANA_OWNER}})
    listening = EventStream(box, box.login().cookie)  # a widget listening is what rings an agent
    listening.next("hello")
    box.deliver(meta.connect_offer("wacid.ROUTED0100"))
    row = wait_for(lambda: routed(box, "wacid.ROUTED0100"), what="routed row")
    assert row["detail"] == (f"owner_first(agent={AGENT_NAME}); {AGENT_NAME} first, everyone +2s, handset +2s; "
                             f"contact {contact}")


def test_fallback_keeps_the_handset_quiet_while_an_agent_is_signed_in(make_box, hubspot, graph):
    box = make_box(hubspot_token=TOKEN, extra={"hubspot": {"api_url": hubspot.url}, "routing": {"handset": "fallback"}})
    listening = EventStream(box, box.login().cookie)
    listening.next("hello")
    box.deliver(meta.connect_offer("wacid.ROUTED0101"))
    row = wait_for(lambda: routed(box, "wacid.ROUTED0101"), what="routed row")
    assert row["detail"] == "no_contact_match; everyone now, handset never"
