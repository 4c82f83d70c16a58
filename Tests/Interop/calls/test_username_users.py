"""WhatsApp users without a phone number (spec §11.4): a username user is known to the box by
their BSUID alone. Their calls ring, are answered on the handset, recorded and logged to
HubSpot; their messages land in the communications log; permission requests and calls we
place go to `recipient`; a change of BSUID moves their history. The payloads are Meta's
shapes from the spec (a username user's connect has `from_user_id` and no `from`), written
for these tests."""
import os
import subprocess


import meta
from box import BINARY, wait_for
from fake_hubspot import TOKEN
from sse import EventStream

BSUID = "US.13491208655302741918"
USERNAME = "ana.ruiz_42"


def username_connect(call_id):
    return meta.envelope("calls", {
        "contacts": [{"profile": {"name": "Ana", "username": USERNAME}, "user_id": BSUID}],
        "calls": [{"id": call_id, "to": meta.BUSINESS_NUMBER, "from_user_id": BSUID, "event": "connect",
                   "timestamp": meta.now(), "direction": "USER_INITIATED",
                   "session": {"sdp_type": "offer", "sdp": meta.META_OFFER}}]})


def username_message(wamid, text, user_id=BSUID):
    return meta.envelope("messages", {
        "contacts": [{"profile": {"name": "Ana", "username": USERNAME}, "user_id": user_id}],
        "messages": [{"from_user_id": user_id, "id": wamid, "timestamp": meta.now(), "type": "text", "text": {"body": text}}]})


def hook(box, state):
    with open(os.path.join(box.data_dir, "hook"), "w") as f:
        f.write(state + "\n")


def test_a_username_users_call_rings_is_answered_on_the_handset_recorded_and_logged(make_box, graph, hubspot):
    box = make_box(hubspot_token=TOKEN, ring_timeout="30s", extra={"hubspot": {"api_url": hubspot.url}})
    listening = EventStream(box, box.login().cookie)
    call_id = "wacid.HBgLVVNFUk5BTUUwMDAxFQIAEhggQUJDREVGMDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODkcGAsxNTU1MDc4Mzg4MRUCABUKAA=="
    assert box.deliver(username_connect(call_id))[0] == 200
    incoming = listening.next("call.incoming", call=call_id)["data"]
    assert incoming["from"] == BSUID and incoming["user_id"] == BSUID and incoming["username"] == USERNAME
    hook(box, "offhook")
    wait_for(lambda: graph.calls("accept"), what="accept from the handset")
    hook(box, "onhook")
    wait_for(lambda: graph.calls("terminate"), what="terminate after hanging up")
    record = wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), what="call record")[0]
    assert record["remote_number"] is None and record["remote_user_id"] == BSUID
    assert record["answered_by"] == "handset"
    calls = wait_for(lambda: list(hubspot.calls.values()), what="the HubSpot engagement")
    assert len(calls) == 1
    properties = calls[0]["properties"]
    assert USERNAME in properties["hs_call_title"] and properties["hs_call_from_number"] == USERNAME
    shown = subprocess.run([BINARY, "journal", "--config", box.config_path, "call", call_id],
                           capture_output=True, text=True, check=True).stdout
    assert f"{USERNAME} (username)" in shown, shown
    status, body, _ = box.login().get(f"/api/calls/status/{call_id}")
    assert status == 200 and body["user_id"] == BSUID and body["username"] == USERNAME
    assert graph.all_problems() == [] and hubspot.problems == []


def test_a_username_users_messages_land_in_the_log_under_their_bsuid(box):
    assert box.deliver(username_message("wamid.USERNAME0001", "hola"))[0] == 200
    session = box.login()
    page = wait_for(lambda: session.get(f"/api/comms?phone={BSUID}")[1]["messages"], what="the message in the log")
    assert [(m["wamid"], m["body"], m["contact_key"], m["phone"]) for m in page] == [
        ("wamid.USERNAME0001", "hola", BSUID, None)]
    assert page[0]["hubspot_contact_id"] == "unknown:" + BSUID


def test_a_message_from_an_unknown_number_reads_as_unknown_phone(box):
    box.deliver(meta.text_message("wamid.STRANGER99", "hello", sender="447700900123"))
    page = wait_for(lambda: box.login().get("/api/comms?phone=447700900123")[1]["messages"], what="the message")
    assert page[0]["hubspot_contact_id"] == "unknown:447700900123"
    assert page[0]["contact_key"] == "447700900123"


def test_permission_and_a_call_to_a_username_user_go_to_recipient(box, graph):
    session = box.login()
    status, body, _ = session.post("/api/permissions/request", {"phone": BSUID})
    assert status == 200, body
    request = graph.messages("call_permission_request")[-1].json
    assert request["recipient"] == BSUID and "to" not in request
    reply = meta.envelope("messages", {"messages": [{
        "from_user_id": BSUID, "id": "wamid.USERNAMEREPLY1", "timestamp": meta.now(),
        "interactive": {"type": "call_permission_reply", "call_permission_reply": {
            "response": "accept", "is_permanent": True, "response_source": "user_action"}}}]})
    box.deliver(reply)
    wait_for(lambda: session.get(f"/api/permissions/status/{BSUID}")[1]["state"] == "permanent", what="the grant")
    graph.grant(BSUID, "permanent")
    status, body, _ = session.post("/api/calls/initiate", {"to": BSUID, "via": "handset"})
    assert status == 200, body
    connect = wait_for(lambda: graph.calls("connect"), what="connect")[0].json
    assert connect["recipient"] == BSUID and "to" not in connect
    assert graph.all_problems() == []


def test_a_change_of_bsuid_keeps_the_conversation_and_the_permission(box, graph):
    session = box.login()
    box.deliver(username_message("wamid.BEFORECHANGE", "before"))
    wait_for(lambda: session.get(f"/api/comms?phone={BSUID}")[1]["messages"], what="first message")
    new_id = "US.85236714098832019471"
    change = meta.envelope("user_id_update", {"user_id_update": [{
        "detail": "User id for Ana has been updated.", "user_id": {"previous": BSUID, "current": new_id},
        "timestamp": meta.now()}]})
    assert box.deliver(change)[0] == 200
    box.deliver(username_message("wamid.AFTERCHANGE1", "after", user_id=new_id))
    page = wait_for(lambda: (lambda m: m if len(m) == 2 else None)(session.get(f"/api/comms?phone={new_id}")[1]["messages"]),
                    what="both messages under the new id")
    assert [m["body"] for m in page] == ["before", "after"]
    assert {m["contact_key"] for m in page} == {new_id}
    # The old id still finds the conversation: it is followed to the new one.
    assert len(session.get(f"/api/comms?phone={BSUID}")[1]["messages"]) == 2


def test_a_username_users_call_answered_with_a_browsers_sdp(box, graph):
    """The widget's path: the box relays the browser's answer in pre_accept and accept."""
    call_id = "wacid.HBgLVVNFUk5BTUUwMDAyFQIAEhggMDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkNERUYcGAsxNTU1MDc4Mzg4MRUCABUKAA=="
    box.deliver(username_connect(call_id))
    wait_for(lambda: box.query("select * from call_journal where call_key = ? and to_state = 'ringing'", call_id), what="ringing")
    status, body, _ = box.post_json(f"/dev/calls/{call_id}/answer", {"sdp": meta.BOX_ANSWER})
    assert status == 200, body
    wait_for(lambda: graph.calls("accept"), what="accept")
    assert graph.calls("accept")[0].json["session"]["sdp"] == meta.BOX_ANSWER
    box.deliver(meta.envelope("calls", {"calls": [{"id": call_id, "from_user_id": BSUID, "to": meta.BUSINESS_NUMBER,
                                                   "event": "terminate", "timestamp": meta.now(), "status": "COMPLETED",
                                                   "duration": 12}]}))
    record = wait_for(lambda: box.query("select * from calls where call_id = ?", call_id), what="call record")[0]
    assert record["outcome"] == "completed" and record["remote_user_id"] == BSUID and record["remote_number"] is None
    assert graph.all_problems() == []


def test_a_user_changed_user_id_system_message_moves_the_history_too(box):
    session = box.login()
    box.deliver(username_message("wamid.SYSBEFORE001", "before"))
    wait_for(lambda: session.get(f"/api/comms?phone={BSUID}")[1]["messages"], what="first message")
    new_id = "US.55501234567890123456"
    box.deliver(meta.envelope("messages", {"messages": [{
        "from_user_id": BSUID, "id": "wamid.SYSCHANGE001", "timestamp": meta.now(), "type": "system",
        "system": {"type": "user_changed_user_id", "body": f"User Ana changed from {BSUID} to {new_id}", "user_id": new_id}}]}))
    page = wait_for(lambda: (lambda m: m if len(m) == 2 else None)(session.get(f"/api/comms?phone={new_id}")[1]["messages"]),
                    what="the history under the new id")
    assert [m["wamid"] for m in page] == ["wamid.SYSBEFORE001", "wamid.SYSCHANGE001"]


def test_a_connect_without_a_timestamp_still_rings(box, graph):
    """A missing `timestamp` is no reason to take a call for stale (liberal reading, README)."""
    delivery = meta.connect_offer("wacid.NOTIMESTAMP0001")
    del delivery["entry"][0]["changes"][0]["value"]["calls"][0]["timestamp"]
    assert box.deliver(delivery)[0] == 200
    wait_for(lambda: box.query("select * from call_journal where call_key = ? and to_state = 'ringing'", "wacid.NOTIMESTAMP0001"),
             what="ringing")
