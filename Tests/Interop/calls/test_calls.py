"""Calls end to end: signed webhooks in, Graph call actions out to the fake Meta."""
import json

import meta
from box import wait_for
from grants import grant_permission


def call_row(box, call_id):
    rows = box.query("select * from calls where call_id = ?", call_id)
    return rows[0] if rows else None


def states(box, call_key):
    """The call's state changes; the `routed` row records a decision, not a change."""
    return [r["to_state"] for r in box.query(
        "select to_state from call_journal where call_key = ? and event != 'routed' order by seq", call_key)]


def test_an_unanswered_call_becomes_a_missed_call_with_one_reject(box, graph):
    call_id = "wacid.MISSED0001"
    assert box.deliver(meta.connect_offer(call_id))[0] == 200
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    wait_for(lambda: call_row(box, call_id), timeout=10, what="missed call record")
    record = call_row(box, call_id)
    assert record["outcome"] == "missed"
    assert record["direction"] == "inbound"
    assert record["remote_number"] == meta.CALLER
    # The record is written when the ring times out; the reject goes to Graph just after it.
    wait_for(lambda: graph.calls("reject"), what="the reject")
    rejects = graph.calls("reject")
    assert len(rejects) == 1
    assert rejects[0].json == {"messaging_product": "whatsapp", "call_id": call_id, "action": "reject"}
    # Meta then confirms with a terminate webhook; it changes nothing and sends nothing.
    assert box.deliver(meta.terminate(call_id, status="FAILED"))[0] == 200
    wait_for(lambda: box.query("select count(*) as n from inbox where state != 'processed'")[0]["n"] == 0)
    assert len(graph.calls()) == 1
    assert len(box.query("select * from calls where call_id = ?", call_id)) == 1
    assert graph.all_problems() == []


def test_an_answered_call_sends_pre_accept_then_an_identical_accept_and_ends_on_terminate(box, graph):
    call_id = "wacid.ANSWERED01"
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: "ringing" in states(box, call_id), what="ringing")
    status, body, _ = box.post_json(f"/dev/calls/{call_id}/answer", {"sdp": meta.BOX_ANSWER})
    assert status == 200, body
    wait_for(lambda: "active" in states(box, call_id), what="active")
    actions = [r.action for r in graph.calls()]
    assert actions == ["pre_accept", "accept"]
    pre_accept, accept = graph.calls()
    assert pre_accept.json["session"] == {"sdp_type": "answer", "sdp": meta.BOX_ANSWER}
    assert accept.json["session"]["sdp"] == pre_accept.json["session"]["sdp"]
    box.deliver(meta.terminate(call_id, status="COMPLETED", duration=42))
    wait_for(lambda: call_row(box, call_id), what="call record")
    record = call_row(box, call_id)
    assert record["outcome"] == "completed"
    assert record["answered_at"] is not None
    assert [r.action for r in graph.calls()] == ["pre_accept", "accept"], "the user hung up: no terminate sent"
    assert graph.all_problems() == []


def test_a_local_hangup_sends_terminate(box, graph):
    call_id = "wacid.HANGUP0001"
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: "ringing" in states(box, call_id))
    box.post_json(f"/dev/calls/{call_id}/answer", {"sdp": meta.BOX_ANSWER})
    wait_for(lambda: "active" in states(box, call_id))
    assert box.post_json(f"/dev/calls/{call_id}/hangup", {})[0] == 200
    wait_for(lambda: graph.calls("terminate"), what="terminate")
    assert graph.calls("terminate")[0].json == {"messaging_product": "whatsapp", "call_id": call_id,
                                                  "action": "terminate"}
    wait_for(lambda: call_row(box, call_id), what="call record")
    assert call_row(box, call_id)["outcome"] == "completed"


def test_terminate_before_connect_never_rings(box, graph):
    call_id = "wacid.REORDER001"
    box.deliver(meta.terminate(call_id, status="FAILED"))
    box.deliver(meta.connect_offer(call_id))
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] == 2)
    assert "ringing" not in states(box, call_id)
    assert graph.calls() == []


def test_a_duplicated_connect_rings_once(box, graph):
    call_id = "wacid.DUPLICATE1"
    payload = meta.connect_offer(call_id)
    box.deliver(payload)
    box.deliver(payload)
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] == 2)
    assert states(box, call_id).count("ringing") == 1


def test_a_full_call_table_rejects_the_new_call_at_meta(make_box, graph):
    box = make_box(max_calls=1)
    box.deliver(meta.connect_offer("wacid.FIRST00001"))
    wait_for(lambda: "ringing" in states(box, "wacid.FIRST00001"))
    box.deliver(meta.connect_offer("wacid.SECOND0001", caller="34600999888"))
    wait_for(lambda: graph.calls("reject"), what="reject of the call that did not fit")
    assert graph.calls("reject")[0].json["call_id"] == "wacid.SECOND0001"
    assert "table full" in box.log() or "table_full" in box.log()


def test_a_stale_connect_is_not_acted_on(box, graph):
    call_id = "wacid.STALE00001"
    old = str(int(meta.now()) - 600)
    box.deliver(meta.connect_offer(call_id, timestamp=old))
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] == 1)
    assert "ringing" not in states(box, call_id)
    assert graph.calls() == []


def test_an_outbound_call_connects_rings_and_is_answered(box, graph):
    grant_permission(box, graph)
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 200, body
    wait_for(lambda: graph.calls("connect"), what="connect")
    connect = graph.calls("connect")[0]
    assert connect.json["to"] == meta.CALLER
    assert connect.json["session"] == {"sdp_type": "offer", "sdp": meta.BOX_OFFER}
    call_id = "wacid.FAKE00000001"
    wait_for(lambda: states(box, call_id), what="call id learned from the connect response")
    box.deliver(meta.call_status(call_id, "RINGING"))
    box.deliver(meta.connect_answer(call_id))
    box.deliver(meta.call_status(call_id, "ACCEPTED"))
    wait_for(lambda: "active" in states(box, call_id), what="active")
    status, body, _ = box.get(f"/dev/calls/{call_id}")
    assert status == 200
    assert json.loads(body)["answer_sdp"] == meta.META_ANSWER
    box.post_json(f"/dev/calls/{call_id}/hangup", {})
    wait_for(lambda: call_row(box, call_id), what="call record")
    assert call_row(box, call_id)["direction"] == "outbound"
    assert [r.action for r in graph.calls()] == ["connect", "terminate"]
    assert graph.all_problems() == []


def test_an_outbound_call_meta_refuses_fails_with_the_reason_and_the_box_learns(box, graph):
    # The box heard a grant that Meta does not hold (the user withdrew it since).
    box.deliver(meta.permission_reply("wamid.STALEGRANT"))
    wait_for(lambda: box.query("select state from permissions"), what="grant in the ledger")
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 200, body
    handle = json.loads(body)["call"]
    wait_for(lambda: "failed" in states(box, handle), what="failed dial")
    assert "138006" in box.log()
    assert len(graph.calls("connect")) == 1, "a refused connect is never retried blindly"
    # Meta's refusal sends the box to call_permissions; Meta's word corrects the ledger.
    wait_for(lambda: box.query("select state from permissions")[0]["state"] == "none", what="ledger corrected")
    assert box.query("select source from permission_history order by id desc limit 1")[0]["source"] == "meta_reconcile"
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 422 and json.loads(body)["error"]["rule"] == "no_permission"
    assert len(graph.calls("connect")) == 1
