"""Meta-shaped webhook deliveries (spec §1.4, §2) and their signatures, for tests."""
import hashlib
import hmac
import json
import time

WABA_ID = "210987654321098"
PHONE_NUMBER_ID = "301234567890123"
BUSINESS_NUMBER = "442071838750"
CALLER = "34600111222"

# What Meta offers for a user-initiated call (spec §6.1): ice-lite, one IPv4 and one IPv6
# host candidate, sha-256 fingerprint, actpass, Opus 111 and telephone-event 126.
META_OFFER = "\r\n".join([
    "v=0",
    "o=- 1767225600123 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE audio",
    "a=msid-semantic: WMS 3b1f7c2e-5d",
    "a=ice-lite",
    "m=audio 3480 UDP/TLS/RTP/SAVPF 111 126",
    "c=IN IP4 157.240.19.130",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=candidate:1146283461 1 udp 2113937151 157.240.19.130 3480 typ host generation 0 network-cost 50",
    "a=candidate:2389746142 1 udp 2113939711 2a03:2880:f22d:c4:face:b00c:0:167 3480 typ host generation 0 network-cost 50",
    "a=ice-ufrag:W8qG",
    "a=ice-pwd:Yq1hTmZyRbW2kB4tVf7pD9xL",
    "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
    "a=setup:actpass",
    "a=mid:audio",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:126 telephone-event/8000",
    "a=ssrc:2711418412 cname:meta-relay",
    "",
])

# A business answer as a browser would make it (spec §6.2): active, one sha-256 line.
BOX_ANSWER = "\r\n".join([
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE audio",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 126",
    "c=IN IP4 0.0.0.0",
    "a=ice-ufrag:box1",
    "a=ice-pwd:boxpasswordboxpassword12",
    "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
    "a=setup:active",
    "a=mid:audio",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:126 telephone-event/8000",
    "",
])

BOX_OFFER = BOX_ANSWER.replace("a=setup:active", "a=setup:actpass")

META_ANSWER = META_OFFER.replace("a=setup:actpass", "a=setup:active").replace("a=mid:audio", "a=mid:0")


def now():
    return str(int(time.time()))


def envelope(field, value, phone_number_id=PHONE_NUMBER_ID):
    value = dict(value)
    value.setdefault("messaging_product", "whatsapp")
    value.setdefault("metadata", {"display_phone_number": BUSINESS_NUMBER, "phone_number_id": phone_number_id})
    return {"object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"field": field, "value": value}]}]}


def connect_offer(call_id, caller=CALLER, name="Ana Ruiz", timestamp=None, sdp=META_OFFER):
    return envelope("calls", {
        "contacts": [{"profile": {"name": name}, "wa_id": caller}],
        "calls": [{"id": call_id, "from": caller, "to": BUSINESS_NUMBER, "event": "connect",
                   "timestamp": timestamp or now(), "direction": "USER_INITIATED",
                   "session": {"sdp_type": "offer", "sdp": sdp}}]})


def connect_answer(call_id, callee=CALLER, sdp=META_ANSWER):
    return envelope("calls", {
        "contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": callee}],
        "calls": [{"id": call_id, "from": BUSINESS_NUMBER, "to": callee, "event": "connect",
                   "timestamp": now(), "direction": "BUSINESS_INITIATED",
                   "session": {"sdp_type": "answer", "sdp": sdp}}]})


def terminate(call_id, status="COMPLETED", caller=CALLER, direction="USER_INITIATED", duration=None):
    call = {"id": call_id, "from": caller, "to": BUSINESS_NUMBER, "event": "terminate",
            "direction": direction, "timestamp": now(), "status": status}
    if duration is not None:
        call.update({"duration": duration, "start_time": str(int(time.time()) - duration), "end_time": now()})
    return envelope("calls", {"calls": [call]})


def call_status(call_id, status, recipient=CALLER):
    return envelope("calls", {"statuses": [{"id": call_id, "type": "call", "status": status,
                                            "timestamp": now(), "recipient_id": recipient}]})


def text_message(wamid, text, sender=CALLER):
    return envelope("messages", {
        "contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid, "timestamp": now(), "type": "text", "text": {"body": text}}]})


def permission_reply(wamid, response="accept", permanent=False, expiration=None, sender=CALLER,
                     user_id=None, request_wamid=None):
    """The user's answer to a call permission request (spec §4.3). `expiration` is sent as
    given, so a test can send it as Meta's docs show it both ways: a string or an integer."""
    reply = {"response": response, "is_permanent": permanent, "response_source": "user_action"}
    if response == "accept" and not permanent:
        reply["expiration_timestamp"] = expiration if expiration is not None else int(time.time()) + 7 * 86400
    message = {"from": sender, "id": wamid, "timestamp": now(), "type": "interactive",
               "interactive": {"type": "call_permission_reply", "call_permission_reply": reply}}
    if user_id is not None:
        message["from_user_id"] = user_id
    if request_wamid is not None:
        message["context"] = {"from": BUSINESS_NUMBER, "id": request_wamid}
    return envelope("messages", {"contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": sender}], "messages": [message]})


def body_of(payload):
    """Compact bytes, as Meta sends: what gets signed is exactly what goes on the wire."""
    return json.dumps(payload, separators=(",", ":")).encode()


def signature(body, app_secret):
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
