"""Message webhooks land in the communications log, once per wamid."""
import json
import os

import meta
from box import REPO, wait_for


def status_webhook(wamid, status):
    return meta.envelope("messages", {"statuses": [{"id": wamid, "status": status, "timestamp": meta.now(),
                                                    "recipient_id": meta.CALLER}]})


def test_a_text_message_is_logged_once_per_wamid_with_its_contact_key(box):
    payload = meta.text_message("wamid.LOGGED0001", "Is the office open on Saturday?")
    box.deliver(payload)
    box.deliver(payload)
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] == 2)
    rows = box.query("select wamid, direction, contact_key, phone, type, body from comms_log")
    assert rows == [{"wamid": "wamid.LOGGED0001", "direction": "inbound", "contact_key": "34600111222",
                     "phone": "34600111222", "type": "text", "body": "Is the office open on Saturday?"}]


def test_a_status_for_an_unknown_message_is_kept_not_dropped(box):
    box.deliver(status_webhook("wamid.NOTOURS0001", "delivered"))
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"] == 1)
    assert box.query("select wamid, status from comms_status_backlog") == [
        {"wamid": "wamid.NOTOURS0001", "status": "delivered"}]


FIXTURES = os.path.join(REPO, "Tests", "Fixtures", "webhooks")
MEDIA_TYPES = {"image", "audio", "video", "document", "sticker"}


def fixture_messages(payload):
    """The messages addressed to the box's business number (batched.json also carries another number's)."""
    return [m for e in payload["entry"] for c in e["changes"] for m in c["value"].get("messages", [])
            if c["value"].get("metadata", {}).get("phone_number_id") == meta.PHONE_NUMBER_ID]


def test_every_message_fixture_lands_once_per_wamid_through_the_real_box(box):
    names = sorted(n for n in os.listdir(FIXTURES)
                   if n.startswith(("message-", "permission-reply-")) or n == "batched.json")
    payloads = []
    for name in names:
        with open(os.path.join(FIXTURES, name), "rb") as f:
            payloads.append(json.loads(f.read()))
    expected = {m["id"]: m["type"] for p in payloads for m in fixture_messages(p)}
    for payload in payloads + payloads:
        box.deliver(payload)
    wait_for(lambda: box.query("select count(*) as n from inbox where state = 'processed'")[0]["n"]
             == 2 * len(payloads), what="every delivery processed")
    rows = {r["wamid"]: r for r in box.query("select * from comms_log")}
    assert {wamid: row["type"] for wamid, row in rows.items()} == expected
    for wamid, row in rows.items():
        assert row["direction"] == "inbound" and row["contact_key"] and row["sent_at"] > 0
        if row["type"] in MEDIA_TYPES:
            assert row["body"] == "Media message received" and row["mime_type"], row
    document = next(r for r in rows.values() if r["type"] == "document")
    assert document["file_name"], document
    # Statuses for outbound messages the box never sent are held for their message, not dropped.
    assert box.query("select count(*) as n from comms_status_backlog")[0]["n"] >= 4
