"""Message webhooks land in the communications log, once per wamid."""
import meta
from box import wait_for


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
