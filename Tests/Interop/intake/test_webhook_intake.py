"""Webhook intake against the real box: verification, signatures, limits, durability."""
import json
import meta
from box import APP_SECRET, VERIFY_TOKEN, wait_for


def test_verification_echoes_the_challenge_only_for_the_right_token(box):
    status, body, headers = box.get(f"/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}")
    assert (status, body) == (200, b"1158201444")
    assert headers["Content-Type"].startswith("text/plain")
    assert box.get("/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong")[0] == 403
    assert box.get(f"/webhook?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token={VERIFY_TOKEN}")[0] == 403
    assert box.get("/webhook")[0] == 403


def test_unsigned_or_wrongly_signed_deliveries_get_401_and_nothing_is_stored(box):
    payload = meta.text_message("wamid.UNSIGNED1", "hello")
    assert box.deliver(payload, secret=None)[0] == 401
    assert box.deliver(payload, secret="not-the-app-secret")[0] == 401
    body = meta.body_of(payload)
    tampered = body.replace(b"hello", b"HELLO")
    status, _, _ = box.request("POST", "/webhook", tampered,
                               {"X-Hub-Signature-256": meta.signature(body, APP_SECRET)})
    assert status == 401
    assert box.request("POST", "/webhook", body, {"X-Hub-Signature-256": "sha256=zz"})[0] == 401
    assert box.query("select count(*) as n from inbox")[0]["n"] == 0
    assert box.metrics()['callbox_webhooks_total{outcome="rejected"}'] == 4


def test_a_signed_delivery_is_committed_before_the_200(box):
    payload = meta.text_message("wamid.STORED1", "Is the office open on Saturday?")
    body = meta.body_of(payload)
    status, _, _ = box.deliver(payload)
    assert status == 200
    # The 200 promised durability: the raw bytes are in the inbox, byte for byte.
    rows = box.query("select body from inbox")
    assert [bytes(r["body"]) for r in rows] == [body]
    wait_for(lambda: box.query("select state from inbox")[0]["state"] == "processed", what="processing")
    assert box.metrics()['callbox_webhooks_total{outcome="accepted"}'] == 1


def test_a_body_over_max_body_gets_413(box):
    big = {"object": "whatsapp_business_account", "entry": [], "padding": "x" * 70_000}
    assert box.deliver(big)[0] == 413
    assert box.query("select count(*) as n from inbox")[0]["n"] == 0


def test_an_undecodable_signed_delivery_is_kept_answered_200_and_counted(box):
    status, _, _ = box.deliver(None, body=b'{"object":"whatsapp_business_account","entry":"not-an-array"}')
    assert status == 200
    status, _, _ = box.deliver(None, body=b"this is not json")
    assert status == 200
    wait_for(lambda: len(box.query("select * from inbox where state = 'undecodable'")) == 2, what="undecodable rows")
    errors = [r["error"] for r in box.query("select error from inbox order by id")]
    assert "entry" in errors[0]
    assert errors[1]
    assert box.metrics()["callbox_webhooks_undecodable_total"] == 2


def test_account_updates_and_unknown_fields_are_stored_and_counted(box):
    payload = meta.envelope("account_update", {"event": "ACCOUNT_VIOLATION",
                                                "violation_info": {"violation_type": "LOW_CALLING_QUALITY"}})
    assert box.deliver(payload)[0] == 200
    other = meta.envelope("account_settings_update", {"phone_number_settings": {"calling": {"status": "ENABLED"}}})
    assert box.deliver(other)[0] == 200
    wait_for(lambda: all(r["state"] == "processed" for r in box.query("select state from inbox")), what="processing")
    metrics = box.metrics()
    assert metrics['callbox_webhook_events_total{kind="account_update"}'] == 1
    assert metrics['callbox_webhook_events_total{kind="unknown"}'] == 1


def test_health_and_metrics_are_served(box):
    status, body, _ = box.get("/healthz")
    assert status == 200
    assert b"ok" in body
    metrics = box.metrics()
    for name in ['callbox_calls{state="ringing"}', "callbox_journal_commit_seconds_count",
                 'callbox_graph_requests_total{outcome="ok"}']:
        assert name in metrics, name


def test_a_signed_webhook_cannot_forge_log_lines(box):
    """Ids and Meta error text go to the journal escaped: one event is one line, and no CR, LF,
    ESC or U+2028 from a webhook reaches it raw (issue 10 item 4)."""
    forged = "wacid.A\r\n<0>box: FORGED emergency\u2028<0>box: FORGED\u001b[2J"
    payload = meta.envelope("calls", {"calls": [{"id": forged, "from": meta.CALLER, "to": meta.BUSINESS_NUMBER,
                                                 "event": "terminate", "timestamp": meta.now(), "status": "FAILED",
                                                 "errors": [{"code": 138021, "message": "bad\r\n<0>box: FORGED\u001b]0;pwned\u0007"}]}]})
    assert box.deliver(payload)[0] == 200
    wait_for(lambda: box.query("select state from inbox")[0]["state"] == "processed", what="processing")
    with open(box.log_path, "rb") as f:
        log = f.read()
    assert b"FORGED" in log, "the values were logged"
    lines = log.split(b"\n")
    assert not [line for line in lines if line.startswith(b"<0>")], "a forged emergency line"
    assert b"\x1b" not in log and b"\r" not in log and "\u2028".encode() not in log and b"\x07" not in log


def raw_request(box, head, body=b""):
    """Bytes on the wire as a client or a proxy could send them; the answer's status and bytes."""
    import socket
    with socket.create_connection(("127.0.0.1", box.port), timeout=5) as s:
        s.sendall(head + body)
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
        return int(answer.split(b" ")[1]), answer


def test_ambiguous_request_framing_gets_400_before_anything_runs(box):
    """A proxy in front of the box and the box must never disagree about where a request ends."""
    body = meta.body_of(meta.text_message("wamid.SMUGGLED01", "x"))
    both = (b"POST /webhook HTTP/1.1\r\nHost: box\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(body))
    status, answer = raw_request(box, both, b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    assert status == 400, answer
    assert b"both Content-Length and Transfer-Encoding" in answer
    spaced = b"GET /healthz HTTP/1.1\r\nHost: box\r\nX-Forwarded-For : 10.0.0.1\r\n\r\n"
    status, answer = raw_request(box, spaced)
    assert status == 400, answer
    nul = (b"POST /webhook%%00.php HTTP/1.1\r\nHost: box\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body))
    status, answer = raw_request(box, nul, body)
    assert status == 400 and b"encoded NUL" in answer, answer
    assert box.get("/healthz%00x")[0] == 400
    assert box.get("/api/comms?phone=%2B34%20600")[0] == 401, "ordinary escapes still work"
    assert box.query("select count(*) as n from inbox")[0]["n"] == 0
    assert box.get("/healthz")[0] == 200


def test_the_journal_keeps_to_its_size_budget(make_box):
    """[box] max_database_size: warned of near it, webhooks refused with 503 at it (Meta
    retries), and nothing lost of what was accepted (issue 10 item 5)."""
    box = make_box(extra={"box": {"max_database_size": "1MiB"}})
    health = json.loads(box.get("/healthz")[1])
    assert health["journal"] == "ok" and health["journal_limit_bytes"] == 1 << 20
    seen, accepted, n = set(), 0, 0
    while n < 200:
        n += 1
        status = box.deliver(meta.text_message(f"wamid.BUDGET{n:05d}", "x" * 20_000))[0]
        seen.add(json.loads(box.get("/healthz")[1])["journal"])
        if status == 503:
            break
        assert status == 200
        accepted += 1
    assert status == 503, "the budget was never reached"
    assert "near_full" in seen, "operators were warned before the budget was reached"
    status, body, headers = box.get("/healthz")
    assert status == 503 and json.loads(body)["journal"] == "full"
    metrics = box.metrics()
    assert metrics['callbox_webhooks_total{outcome="full"}'] >= 1
    assert metrics["callbox_journal_bytes"] >= metrics["callbox_journal_limit_bytes"]
    assert box.query("select count(*) as n from inbox")[0]["n"] == accepted
