"""Call permissions against the real binary (spec §4): the reply webhook fills the ledger,
business-initiated calls without a permission are refused before Meta hears of them,
unanswered calls revoke, and Meta's word wins and is journalled. Read back through
`callbox journal permissions`, as an operator would."""
import json
import subprocess
import time
import urllib.error
import urllib.request

import meta
from box import ACCESS_TOKEN, BINARY, Box, wait_for
from fake_graph import DAY
from grants import grant_permission


def journal(box, *args):
    result = subprocess.run([BINARY, "journal", "--config", box.config_path, "permissions", *args],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def processed(box, count):
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] >= count,
             what=f"{count} deliveries processed")


def states(box, call_key):
    return [r["to_state"] for r in box.query(
        "select to_state from call_journal where call_key = ? order by seq", call_key)]


def test_a_permission_reply_fills_the_ledger_with_its_expiry_as_string_or_integer(box, graph):
    expires = int(time.time()) + 5 * DAY
    box.deliver(meta.permission_reply("wamid.REPLY1", expiration=str(expires), request_wamid="wamid.REQ1"))
    box.deliver(meta.permission_reply("wamid.REPLY2", expiration=expires + 60, sender="34600999888"))
    processed(box, 2)
    rows = {r["contact_key"]: r for r in box.query("select * from permissions")}
    assert rows[meta.CALLER]["state"] == "temporary" and rows[meta.CALLER]["expires_at"] == expires * 1000
    assert rows["34600999888"]["expires_at"] == (expires + 60) * 1000
    # The reply is a message too: it stays in the communications log.
    logged = box.query("select type, body from comms_log where wamid = 'wamid.REPLY1'")
    assert logged == [{"type": "interactive", "body": logged[0]["body"]}] and "accepted" in logged[0]["body"]

    listing = journal(box)
    assert meta.CALLER in listing and "34600999888" in listing and "temporary" in listing
    history = journal(box, "+34 600 111 222")
    assert history.startswith(f"{meta.CALLER}: temporary, until ")
    assert "none → temporary  granted_temporary  (user_reply)" in history

    box.deliver(meta.permission_reply("wamid.REPLY3", response="reject"))
    processed(box, 3)
    assert "temporary → rejected  declined  (user_reply)" in journal(box, meta.CALLER)
    assert graph.all_problems() == [] and graph.requests == []


def test_a_reply_with_a_business_scoped_user_id_is_keyed_on_it(box, graph):
    box.deliver(meta.permission_reply("wamid.BSUID1", permanent=True, user_id="ES.4455667788"))
    processed(box, 1)
    assert box.query("select contact_key, state from permissions") == [{"contact_key": "ES.4455667788", "state": "permanent"}]
    # The phone finds the user id through the messages Meta sent with both.
    assert journal(box, meta.CALLER).startswith("ES.4455667788: permanent")


def test_a_dial_without_permission_is_refused_by_the_box_and_meta_sees_nothing(box, graph):
    for body in ({"to": meta.CALLER, "sdp": meta.BOX_OFFER}, {"to": meta.CALLER, "via": "handset"}):
        status, answer, _ = box.post_json("/dev/calls/dial", body)
        assert status == 422, answer
        error = json.loads(answer)["error"]
        assert error["rule"] == "no_permission" and error["refused_by"] == "box"
        assert "permission" in error["message"]
    # A request is out but unanswered: a different rule, still nothing sent.
    box.deliver(meta.permission_reply("wamid.REJECTED", response="reject"))
    processed(box, 1)
    status, answer, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 422 and json.loads(answer)["error"]["rule"] == "rejected"
    assert graph.requests == [], "Meta never heard of a refused call"
    assert "business-initiated call refused by a permission rule" in box.log()


def test_four_unanswered_calls_revoke_the_permission_and_a_fifth_is_refused(box, graph):
    grant_permission(box, graph)
    for attempt in range(1, 5):
        status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
        assert status == 200, body
        call_id = f"wacid.FAKE{attempt:08d}"
        wait_for(lambda: states(box, call_id), what="call id learned")
        box.deliver(meta.call_status(call_id, "RINGING"))
        box.deliver(meta.terminate(call_id, status="REJECTED" if attempt == 2 else "COMPLETED",
                                   direction="BUSINESS_INITIATED"))
        wait_for(lambda: box.query("select outcome from calls where call_id = ?", call_id), what="call record")
    wait_for(lambda: box.query("select state from permissions")[0]["state"] == "revoked", what="revoked")
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 422 and json.loads(body)["error"]["rule"] == "revoked"
    assert len(graph.calls("connect")) == 4
    history = journal(box, meta.CALLER)
    assert history.count("unanswered_call  (call_outcome)") == 3
    assert "temporary → revoked  revoked_after_unanswered_calls  (call_outcome)" in history


def test_a_connected_call_resets_the_unanswered_count(box, graph):
    grant_permission(box, graph)
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    missed = "wacid.FAKE00000001"
    wait_for(lambda: states(box, missed), what="call id learned")
    box.deliver(meta.terminate(missed, direction="BUSINESS_INITIATED"))
    wait_for(lambda: box.query("select consecutive_missed from permissions")[0]["consecutive_missed"] == 1,
             what="one unanswered call counted")
    # The user calls back and the call connects: the count starts again (spec §4.5).
    call_id = "wacid.CALLBACK01"
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    status, body, _ = box.post_json(f"/dev/calls/{call_id}/answer", {"sdp": meta.BOX_ANSWER})
    assert status == 200, body
    wait_for(lambda: "active" in states(box, call_id), what="active")
    box.deliver(meta.terminate(call_id, duration=20))
    wait_for(lambda: box.query("select consecutive_missed from permissions")[0]["consecutive_missed"] == 0,
             what="count reset")
    assert "limits_reset  (call_outcome)" in journal(box, meta.CALLER)


def test_meta_withdrawing_a_grant_wins_and_is_journalled(box, graph):
    # The box heard a permanent grant; Meta no longer holds it (the user revoked it in the app).
    box.deliver(meta.permission_reply("wamid.PERM1", permanent=True))
    processed(box, 1)
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 200, body
    wait_for(lambda: graph.permission_queries(), what="the box asks Meta after its 138006")
    query = graph.permission_queries()[0]
    assert query.method == "GET" and query.path.endswith(f"/call_permissions?user_wa_id={meta.CALLER}")
    wait_for(lambda: box.query("select state from permissions")[0]["state"] == "none", what="Meta's word applied")
    assert "permanent → none  meta_no_permission  (meta_reconcile)" in journal(box, meta.CALLER)
    assert graph.all_problems() == []


def fake_graph_call(graph, method, path, body=None):
    request = urllib.request.Request(graph.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {ACCESS_TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def permission_request(to=meta.CALLER, **interactive):
    message = {"type": "call_permission_request", "action": {"name": "call_permission_request"},
               "body": {"text": "May we call you?"}}
    message.update(interactive)
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive",
            "interactive": message}


def test_the_fake_graph_enforces_metas_own_permission_limits(graph):
    """The fake stands in for Meta in the lead's /api/permissions tests: it must refuse as Meta does."""
    messages = f"/v24.0/{meta.PHONE_NUMBER_ID}/messages"
    permissions = f"/v24.0/{meta.PHONE_NUMBER_ID}/call_permissions?user_wa_id={meta.CALLER}"
    assert fake_graph_call(graph, "POST", messages, permission_request())[0] == 200
    status, body = fake_graph_call(graph, "POST", messages, permission_request())
    assert (status, body["error"]["code"]) == (400, 138009)
    status, body = fake_graph_call(graph, "GET", permissions)
    request_action = body["actions"][0]
    assert request_action["action_name"] == "send_call_permission_request" and not request_action["can_perform_action"]
    assert request_action["limits"][0]["limit_expiration_time"] > time.time() + DAY - 60
    # A day later the cooldown has passed; the second request of the week is the last.
    graph.clock = lambda: time.time() + DAY + 1
    assert fake_graph_call(graph, "POST", messages, permission_request())[0] == 200
    graph.clock = lambda: time.time() + 2 * DAY + 2
    assert fake_graph_call(graph, "POST", messages, permission_request())[1]["error"]["code"] == 138009
    graph.grant("34600999888", "permanent")
    assert fake_graph_call(graph, "POST", messages, permission_request("34600999888"))[1]["error"]["code"] == 138017
    status, body = fake_graph_call(graph, "POST", messages, permission_request("34600999777", header={"type": "text"}))
    assert status == 400 and "header" in body["error"]["error_data"]["details"]
    graph.permission_gets = []
    codes = [fake_graph_call(graph, "GET", permissions)[0] for _ in range(7)]
    assert codes[:5] == [200] * 5 and 429 in codes[5:], codes


def test_the_sandbox_demo_dials_once_its_user_has_allowed_calls(tmp_path):
    box = Box(tmp_path / "sandbox", "sandbox")
    box.start()
    try:
        refused = simulate(box, "dial", meta.CALLER)
        assert refused.returncode == 1 and "no_permission" in refused.stdout
        granted = simulate(box, "permission-reply", "accept", "--permanent")
        assert granted.returncode == 0 and "/dev/sandbox/permission-reply" in granted.stdout
        wait_for(lambda: box.query("select state from permissions") == [{"state": "permanent"}], what="grant")
        dialled = simulate(box, "dial", meta.CALLER)
        assert dialled.returncode == 0, dialled.stdout + dialled.stderr
        wait_for(lambda: box.query("select to_state from call_journal where to_state = 'active'"), timeout=15,
                 what="the sandbox user answers")
        status, body, _ = box.get("/dev/sandbox")
        assert status == 200 and all("refused" not in entry for entry in json.loads(body)["requests"])
    finally:
        box.stop()


def simulate(box, *args):
    return subprocess.run([BINARY, "simulate", "--config", box.config_path, *args],
                          capture_output=True, text=True, timeout=30)
