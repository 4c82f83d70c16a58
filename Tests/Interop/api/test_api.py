"""The widget's API on the real binary: sessions, the CSRF gate, the throttle, sending and
reading WhatsApp text against the fake Graph API."""
import http.client
import json
import time

import meta
from box import AGENT_EMAIL, AGENT_HASH, AGENT_NAME, AGENT_PASSWORD, Box, free_port, wait_for
from fake_graph import meta_error

# DESIGN §5: every /api route but login. Placeholders stand for path parameters.
DESIGN_ROUTES = [
    ("POST", "/api/logout"), ("GET", "/api/me"), ("GET", "/api/events"),
    ("GET", "/api/permissions/status/34600111222"), ("POST", "/api/permissions/request"),
    ("POST", "/api/permissions/validate"), ("POST", "/api/calls/initiate"), ("POST", "/api/calls/c1/answer"),
    ("POST", "/api/calls/c1/reject"), ("POST", "/api/calls/end"), ("GET", "/api/calls/status/c1"),
    ("GET", "/api/calls/recent"), ("GET", "/api/comms?phone=34600111222"), ("POST", "/api/whatsapp/send"),
]


def error_of(body):
    return json.loads(body)["error"] if isinstance(body, bytes) else body["error"]


def cookie_attributes(header):
    return [part.strip() for part in header.split(";")[1:]]


def test_without_tls_only_loopback_names_get_the_third_party_cookie(box):
    # Any other name without TLS: browsers would drop SameSite=None without Secure.
    status, _, headers = box.request("POST", "/api/login", json.dumps({"email": AGENT_EMAIL, "password": AGENT_PASSWORD}).encode(),
                                     {"Host": f"callbox.lan:{box.port}", "Content-Type": "application/json"})
    assert status == 200
    assert sorted(cookie_attributes(headers["Set-Cookie"])) == sorted(["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Lax"])
    status, _, headers = box.request("POST", "/api/login", json.dumps({"email": AGENT_EMAIL, "password": AGENT_PASSWORD}).encode(),
                                     {"Host": f"localhost:{box.port}", "Content-Type": "application/json"})
    assert status == 200 and headers["Set-Cookie"].endswith("Secure; SameSite=None; Partitioned")


def test_login_me_and_logout(box):
    status, body, headers = box.post_json("/api/login", {"email": AGENT_EMAIL.upper(), "password": AGENT_PASSWORD})
    assert status == 200, body
    answer = json.loads(body)
    assert answer["agent"] == {"name": AGENT_NAME, "email": AGENT_EMAIL, "hubspot_owner_id": None}
    assert len(answer["csrf_token"]) >= 43
    cookie = headers["Set-Cookie"]
    name, token = cookie.split(";")[0].split("=", 1)
    assert name == "callbox_session" and len(token) >= 43
    # No TLS, but 127.0.0.1 is a secure context to browsers: the third-party cookie the host
    # simulator's cross-origin iframe needs.
    assert sorted(cookie_attributes(cookie)) == sorted(["Max-Age=604800", "Path=/", "HttpOnly", "Secure",
                                                        "SameSite=None", "Partitioned"])
    assert headers.get("Cache-Control") == "no-store"

    rows = box.query("select agent, csrf_token, length(token_hash) as n, expires_at - created_at as life from sessions")
    assert rows == [{"agent": AGENT_NAME, "csrf_token": answer["csrf_token"], "n": 32, "life": 12 * 3600 * 1000}]
    assert token.encode() not in box.query("select token_hash from sessions")[0]["token_hash"]

    session = box.login()
    status, me, _ = session.get("/api/me")
    assert status == 200 and me == {"agent": answer["agent"], "csrf_token": session.csrf_token}

    status, out, headers = session.post("/api/logout")
    assert status == 200 and out == {"signed_out": True}
    assert headers["Set-Cookie"].startswith("callbox_session=; Max-Age=0;")
    status, body, _ = session.get("/api/me")
    assert status == 401 and body["error"]["code"] == "no_session"
    assert len(box.query("select * from sessions")) == 1, "only the first login's session is left"


def test_an_agent_removed_from_the_config_loses_their_sessions(tmp_path, graph):
    folder = tmp_path / "restarted"
    first = Box(folder, graph.url, extra={"agent bo": {"email": "bo@interop.example", "password_hash": AGENT_HASH,
                                                      "hubspot_owner_id": "4242"}}).start()
    session = first.login()
    status, body, _ = first.post_json("/api/login", {"email": "bo@interop.example", "password": AGENT_PASSWORD})
    assert status == 200 and json.loads(body)["agent"]["hubspot_owner_id"] == "4242"
    first.stop()
    second = Box(folder, graph.url, without=[(f"agent {AGENT_NAME}", None)],
                 extra={"agent bo": {"email": "bo@interop.example", "password_hash": AGENT_HASH,
                                     "hubspot_owner_id": "5151"}}).start()
    try:
        session.box = second
        assert session.get("/api/me")[0] == 401
        assert second.query("select name, email, hubspot_owner_id from agents") == [
            {"name": "bo", "email": "bo@interop.example", "hubspot_owner_id": "5151"}]
        assert [row["agent"] for row in second.query("select agent from sessions")] == ["bo"]
    finally:
        second.stop()


def test_wrong_password_and_unknown_email_both_spend_the_kdf(box):
    timings = []
    for email, password in [(AGENT_EMAIL, "wrong"), ("nobody@interop.example", AGENT_PASSWORD)]:
        started = time.monotonic()
        status, body, _ = box.post_json("/api/login", {"email": email, "password": password})
        timings.append(time.monotonic() - started)
        assert status == 401 and error_of(body)["code"] == "bad_credentials"
        assert error_of(body)["message"] == "the email or the password is wrong"
    # scrypt at N=16384 takes tens of milliseconds; an answer without it takes about one.
    assert min(timings) > 0.010, timings
    for bad in [b"not json", json.dumps({"email": AGENT_EMAIL}).encode(), json.dumps([1]).encode()]:
        status, body, _ = box.request("POST", "/api/login", bad, {"Content-Type": "application/json"})
        assert status == 400, body


def test_the_loop_keeps_answering_while_passwords_are_checked(box):
    import threading
    durations = []

    def sign_in():
        started = time.monotonic()
        status = box.post_json("/api/login", {"email": AGENT_EMAIL, "password": "wrong"})[0]
        durations.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=sign_in) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.005)
    started = time.monotonic()
    assert box.get("/healthz")[0] == 200
    health_time = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert [status for status, _ in durations] == [401, 401, 401]
    # Checked on the loop, a password would hold /healthz for a whole check or more.
    assert health_time < min(seconds for _, seconds in durations) / 2, (health_time, durations)


def sign_in_from(box, source, email, password, forwarded_for=None):
    """POST /api/login from a loopback source address: (status, body, Retry-After, seconds taken)."""
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    connection = http.client.HTTPConnection("127.0.0.1", box.port, timeout=10, source_address=(source, 0))
    started = time.monotonic()
    connection.request("POST", "/api/login", json.dumps({"email": email, "password": password}).encode(), headers)
    response = connection.getresponse()
    body = response.read()
    taken = time.monotonic() - started
    connection.close()
    return response.status, body, response.getheader("Retry-After"), taken


def test_an_attackers_failures_from_one_address_do_not_stop_the_agent_from_another(box):
    attacker, agent = "127.0.0.2", "127.0.0.3"
    for _ in range(5):
        assert sign_in_from(box, attacker, AGENT_EMAIL, "guess")[0] == 401
    # Five failures are free; then each try waits, a second at first, doubling with each failure.
    status, body, retry, _ = sign_in_from(box, attacker, AGENT_EMAIL, AGENT_PASSWORD)
    assert status == 429 and error_of(body)["code"] == "too_many_attempts" and retry == "1", (status, body, retry)
    time.sleep(1)
    assert sign_in_from(box, attacker, AGENT_EMAIL, "guess")[0] == 401
    status, body, retry, _ = sign_in_from(box, attacker, AGENT_EMAIL, AGENT_PASSWORD)
    assert status == 429 and retry == "2", (status, body, retry)
    # The agent, from their own desk, is not slowed at all.
    assert sign_in_from(box, agent, AGENT_EMAIL, AGENT_PASSWORD)[0] == 200
    # And it is a wait, never a lock: once it has passed, the right password works from there too.
    time.sleep(int(retry))
    assert sign_in_from(box, attacker, AGENT_EMAIL, AGENT_PASSWORD)[0] == 200
    metrics = box.metrics()
    assert metrics['callbox_sign_ins_total{outcome="bad_credentials"}'] == 6
    assert metrics['callbox_sign_ins_total{outcome="throttled"}'] == 2
    assert metrics['callbox_sign_ins_total{outcome="ok"}'] == 2


def test_no_answer_tells_a_known_email_from_an_unknown_one(box):
    known = [sign_in_from(box, "127.0.0.4", AGENT_EMAIL, "guess") for _ in range(8)]
    unknown = [sign_in_from(box, "127.0.0.5", "nobody@interop.example", "guess") for _ in range(8)]
    # Status, body and Retry-After, answer for answer: 401 five times, then the same waits.
    assert [(s, b, r) for s, b, r, _ in known] == [(s, b, r) for s, b, r, _ in unknown]
    assert [s for s, _, _, _ in known] == [401] * 5 + [429] * 3
    # The same cost too: an unknown email's password is checked against a decoy hash.
    known_checks = sorted(t for s, _, _, t in known if s == 401)
    unknown_checks = sorted(t for s, _, _, t in unknown if s == 401)
    ratio = known_checks[len(known_checks) // 2] / unknown_checks[len(unknown_checks) // 2]
    print(f"\nmedian wrong-password answer: known email {known_checks[len(known_checks) // 2] * 1000:.1f} ms, "
          f"unknown {unknown_checks[len(unknown_checks) // 2] * 1000:.1f} ms")
    assert 0.5 < ratio < 2, ratio


def test_an_address_is_slowed_after_twenty_failures_and_only_that_address(box):
    for n in range(20):
        assert sign_in_from(box, "127.0.0.6", f"guess{n}@interop.example", "x")[0] == 401
    status, body, retry, _ = sign_in_from(box, "127.0.0.6", AGENT_EMAIL, AGENT_PASSWORD)
    assert status == 429 and int(retry) >= 1
    assert sign_in_from(box, "127.0.0.7", AGENT_EMAIL, AGENT_PASSWORD)[0] == 200


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_one_slowed(make_box):
    box = make_box(extra={"http": {"trusted_proxies": "127.0.0.1"}})
    for _ in range(5):
        assert sign_in_from(box, "127.0.0.1", AGENT_EMAIL, "guess", forwarded_for="203.0.113.7")[0] == 401
    assert sign_in_from(box, "127.0.0.1", AGENT_EMAIL, AGENT_PASSWORD, forwarded_for="203.0.113.7")[0] == 429
    # Another client through the same proxy is not held back by the first one's failures.
    assert sign_in_from(box, "127.0.0.1", AGENT_EMAIL, AGENT_PASSWORD, forwarded_for="198.51.100.1, 203.0.113.8")[0] == 200
    # A client that is not a trusted proxy cannot pick its address by writing the header.
    for n in range(5):
        assert sign_in_from(box, "127.0.0.2", AGENT_EMAIL, "guess", forwarded_for=f"203.0.113.{50 + n}")[0] == 401
    assert sign_in_from(box, "127.0.0.2", AGENT_EMAIL, AGENT_PASSWORD, forwarded_for="203.0.113.99")[0] == 429
    assert "sign-in refused: too many attempts" in box.log() and "203.0.113.7" in box.log()


def test_every_api_route_but_login_refuses_a_request_without_a_session(box):
    for method, path in DESIGN_ROUTES + [("GET", "/api/nonexistent")]:
        status, body, _ = box.request(method, path, b"{}", {"Content-Type": "application/json"})
        assert status == 401, (method, path, status, body)
        assert error_of(body)["code"] == "no_session"
    stale = {"Cookie": "callbox_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
    assert box.request("GET", "/api/me", None, stale)[0] == 401


def test_state_changing_routes_need_the_csrf_token(box):
    session = box.login()
    for path in ["/api/whatsapp/send", "/api/logout"]:
        status, body, _ = session.request("POST", path, {}, csrf=False)
        assert status == 403 and body["error"]["code"] == "csrf", (path, body)
        saved = session.csrf_token
        session.csrf_token = saved[:-1] + ("A" if saved[-1] != "A" else "B")
        status, body, _ = session.post(path)
        session.csrf_token = saved
        assert status == 403 and body["error"]["code"] == "csrf", (path, body)
    assert session.get("/api/me")[0] == 200, "a refused logout leaves the session"
    other = box.login()
    session.csrf_token = other.csrf_token
    assert session.post("/api/logout")[0] == 403, "another session's token does not count"


def test_unknown_paths_and_wrong_methods_for_signed_in_agents(box):
    session = box.login()
    status, body, _ = session.get("/api/nonexistent")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body, headers = session.get("/api/whatsapp/send")
    assert status == 405 and headers["Allow"] == "POST"
    status, body, headers = box.get("/api/login")
    assert status == 405 and headers["Allow"] == "POST"


def test_send_reaches_graph_as_a_spec_text_and_lands_in_the_log(box, graph):
    session = box.login()
    status, body, _ = session.post("/api/whatsapp/send",
                                   {"to": "+34 600-111 222", "message": "Yes, 10:00–13:00.", "contactId": "901"})
    assert status == 200, body
    wamid = body["wamid"]
    assert wamid.startswith("wamid.FAKE")
    sent = [r for r in graph.requests if r.path.endswith("/messages")]
    assert len(sent) == 1 and sent[0].problems == []
    assert sent[0].method == "POST" and sent[0].path == f"/v24.0/{meta.PHONE_NUMBER_ID}/messages"
    assert sent[0].json == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222",
                            "type": "text", "text": {"preview_url": False, "body": "Yes, 10:00–13:00."}}

    status, page, _ = session.get("/api/comms?phone=%2B34%20600%20111%20222")
    assert status == 200 and page["next"] is None
    [message] = page["messages"]
    assert message["wamid"] == wamid and message["direction"] == "outbound" and message["type"] == "text"
    assert message["body"] == "Yes, 10:00–13:00." and message["status"] == "accepted"
    assert message["hubspot_contact_id"] == "901" and message["phone"] == "34600111222"
    assert message["error"] is None and abs(message["sent_at_ms"] / 1000 - time.time()) < 60

    box.deliver(meta.envelope("messages", {"statuses": [
        {"id": wamid, "status": "delivered", "timestamp": meta.now(), "recipient_id": meta.CALLER}]}))
    wait_for(lambda: session.get("/api/comms?phone=34600111222")[1]["messages"][0]["status"] == "delivered",
             what="the delivered status on the sent row")


def test_a_closed_window_is_422_with_metas_words_and_logs_nothing(box, graph):
    session = box.login()
    graph.scripted.append(meta_error(131047, "Re-engagement message", 400,
                                     details="Message failed to send because more than 24 hours have passed since the customer last replied to this number."))
    status, body, _ = session.post("/api/whatsapp/send", {"to": meta.CALLER, "message": "Hello again"})
    assert status == 422, body
    error = body["error"]
    assert error["code"] == "window_closed"
    assert "more than 24 hours have passed" in error["message"]
    assert error["meta"]["code"] == 131047 and "Re-engagement" in error["meta"]["message"]
    assert box.query("select count(*) as n from comms_log")[0]["n"] == 0

    graph.scripted.append(meta_error(131026, "Message undeliverable", 400))
    status, body, _ = session.post("/api/whatsapp/send", {"to": meta.CALLER, "message": "Hello again"})
    assert status == 502 and body["error"]["code"] == "graph_refused"
    assert "Message undeliverable" in body["error"]["message"]
    assert box.query("select count(*) as n from comms_log")[0]["n"] == 0


def test_bad_sends_are_400_and_never_reach_graph(box, graph):
    session = box.login()
    cases = [
        ({"to": meta.CALLER, "message": ""}, "empty_message"),
        ({"to": meta.CALLER, "message": " \n\t "}, "empty_message"),
        ({"to": meta.CALLER}, "empty_message"),
        ({"to": meta.CALLER, "message": "a" * 4097}, "message_too_long"),
        # 4096 characters, but 4097 UTF-16 code units as the widget counts them.
        ({"to": meta.CALLER, "message": "a" * 4095 + "😀"}, "message_too_long"),
        ({"message": "hi"}, "bad_phone"),
        ({"to": "call me", "message": "hi"}, "bad_phone"),
        ({"to": 34600111222, "message": "hi"}, "bad_phone"),
        ({"to": meta.CALLER, "message": "hi", "contactId": {"id": 1}}, "bad_contact_id"),
        ({"to": meta.CALLER, "message": "hi", "contactId": ""}, "bad_contact_id"),
    ]
    for payload, code in cases:
        status, body, _ = session.post("/api/whatsapp/send", payload)
        assert status == 400 and body["error"]["code"] == code, (payload.get("message", "")[:10], body)
    status, body, _ = session.request("POST", "/api/whatsapp/send", None)
    assert status == 400 and body["error"]["code"] == "bad_json"
    assert [r for r in graph.requests if r.path.endswith("/messages")] == []
    status, body, _ = session.post("/api/whatsapp/send", {"to": "0034600111222", "message": "a" * 4096, "contactId": 77})
    assert status == 200, body
    assert box.query("select hubspot_contact_id from comms_log") == [{"hubspot_contact_id": "77"}]
    assert graph.requests[-1].json["to"] == "34600111222"


def test_sending_without_a_phone_number_id_is_503(tmp_path, graph):
    box = Box(tmp_path / "unregistered", graph.url, without=[("whatsapp", "phone_number_id")]).start()
    try:
        session = box.login()
        status, body, _ = session.post("/api/whatsapp/send", {"to": meta.CALLER, "message": "hi"})
        assert status == 503 and body["error"]["code"] == "whatsapp_not_configured"
        assert "phone_number_id" in body["error"]["message"]
        assert graph.requests == []
    finally:
        box.stop()


def test_an_unreachable_graph_is_502(tmp_path):
    box = Box(tmp_path / "offline", f"http://127.0.0.1:{free_port()}").start()
    try:
        session = box.login()
        status, body, _ = session.post("/api/whatsapp/send", {"to": meta.CALLER, "message": "hi"})
        assert status == 502 and body["error"]["code"] == "graph_unreachable", body
        assert box.query("select count(*) as n from comms_log")[0]["n"] == 0
    finally:
        box.stop()


def test_the_conversation_pages_oldest_first(box):
    for n in range(5):
        box.deliver(meta.text_message(f"wamid.PAGE{n:04d}", f"message {n}"))
    wait_for(lambda: box.query("select count(*) as n from comms_log")[0]["n"] == 5)
    session = box.login()
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/comms?phone=34600111222&limit=2" + (f"&after={cursor}" if cursor else "")
        status, page, _ = session.get(path)
        assert status == 200, page
        pages += 1
        seen += [m["body"] for m in page["messages"]]
        assert all(m["direction"] == "inbound" and m["status"] == "received" for m in page["messages"])
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [f"message {n}" for n in range(5)] and pages == 3
    assert len(session.get("/api/comms?phone=34600111222&limit=100000")[1]["messages"]) == 5
    assert session.get("/api/comms?phone=34699999999")[1] == {"messages": [], "next": None}
    for query, code in [("", "bad_phone"), ("phone=abc", "bad_phone"), ("phone=34600111222&limit=0", "bad_limit"),
                        ("phone=34600111222&limit=x", "bad_limit"), ("phone=34600111222&after=-1", "bad_cursor")]:
        status, body, _ = session.get("/api/comms?" + query)
        assert status == 400 and body["error"]["code"] == code, (query, body)
