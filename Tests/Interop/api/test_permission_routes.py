"""`/api/permissions/…` through the session gate against the real binary and the fake Graph:
local refusals never reach Meta, Meta's own refusals are 422 naming the rule, and validate
takes Meta's word and journals it."""
import meta
from box import wait_for


def test_request_then_a_local_refusal_that_meta_never_sees(box, graph):
    session = box.login()
    status, answer, headers = session.post("/api/permissions/request", {"phone": "+34 600 111 222", "body": "May we call?"})
    assert status == 200, answer
    assert answer["wamid"].startswith("wamid.FAKE") and answer["state"] == "requested"
    assert headers.get("Cache-Control") == "no-store"
    sent = graph.messages("call_permission_request")
    assert len(sent) == 1 and sent[0].json["interactive"]["body"] == {"text": "May we call?"}
    assert box.query("select type, direction from comms_log where wamid = ?", answer["wamid"]) == [
        {"type": "interactive", "direction": "outbound"}]
    status, refused, _ = session.post("/api/permissions/request", {"phone": meta.CALLER})
    assert status == 422 and refused["error"]["rule"] == "request_cooldown" and refused["error"]["refused_by"] == "box"
    assert refused["error"]["next_allowed_at"].endswith("Z")
    assert len(graph.messages()) == 1, "Meta never saw the refused request"
    status, current, _ = session.get(f"/api/permissions/status/{meta.CALLER}")
    assert status == 200 and current["allowed"] is False and current["rule"] == "awaiting_reply"
    assert current["request"]["rule"] == "request_cooldown" and current["history"][0]["source"] == "request"
    assert graph.all_problems() == []


def test_metas_own_limit_is_a_422_naming_the_rule(box, graph):
    session = box.login()
    graph.permission_requests[meta.CALLER] = [graph.clock() - 3600]
    status, refused, _ = session.post("/api/permissions/request", {"phone": meta.CALLER})
    assert status == 422 and refused["error"]["refused_by"] == "meta" and refused["error"]["rule"] == "request_cooldown"
    assert graph.permission_queries(), "the box asked Meta which limit"


def test_validate_takes_metas_word_and_journals_it(box, graph):
    session = box.login()
    status, answer, _ = session.post("/api/permissions/validate", {"phone": meta.CALLER})
    assert status == 200 and answer["allowed"] is False and answer["rule"] == "no_permission"
    assert answer["checked_with_meta"] is True
    graph.grant(meta.CALLER, "permanent")
    wait_for(lambda: session.post("/api/permissions/validate", {"phone": meta.CALLER})[1]["allowed"], timeout=15,
             what="Meta's grant once the cached answer is stale")
    assert box.query("select reason, source from permission_history") == [
        {"reason": "meta_permanent", "source": "meta_reconcile"}]
    status, body, _ = box.post_json("/dev/calls/dial", {"to": meta.CALLER, "sdp": meta.BOX_OFFER})
    assert status == 200, body


def test_bad_input_and_no_session(box):
    session = box.login()
    assert session.post("/api/permissions/request", {"phone": "call me"})[0] == 400
    assert session.get("/api/permissions/status/abc")[0] == 400
    assert box.post_json("/api/permissions/validate", {"phone": meta.CALLER})[0] == 401
    assert session.request("POST", "/api/permissions/request", {"phone": meta.CALLER}, csrf=False)[0] == 403
