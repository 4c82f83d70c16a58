"""The conformance corpus (Tests/Fixtures/conformance/): Meta's published samples and real
captures, read as the Swift conformance tests read them. The files are never edited; Meta's
placeholders are replaced here from placeholders.json, and a capture that kept only one
`calls[]` item is put in the envelope every calls delivery has."""
import copy
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "..", "Fixtures", "conformance")


def load_json(name):
    with open(os.path.join(FOLDER, name), encoding="utf-8") as f:
        return json.load(f)


def text(name):
    with open(os.path.join(FOLDER, name), encoding="utf-8", newline="") as f:
        return f.read()


MANIFEST = load_json("expected-kinds.json")
SDP_EXPECTATIONS = {name: entry for name, entry in load_json("expected-sdp.json").items() if not name.startswith("_")}
_PLACEHOLDERS = load_json("placeholders.json")


def _first_sdp_type(value):
    if isinstance(value, dict):
        if isinstance(value.get("sdp_type"), str):
            return value["sdp_type"]
        for item in value.values():
            found = _first_sdp_type(item)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_sdp_type(item)
            if found:
                return found
    return None


def _replace(value, sdp_type):
    table = _PLACEHOLDERS["strings"]
    sdp = _PLACEHOLDERS["sdp_for_placeholder"]
    if isinstance(value, str):
        if value in sdp["placeholders"]:
            return text(sdp[sdp_type])
        if value.startswith("[") and value.endswith("]") and "|" in value:
            return value[1:-1].split("|")[0]
        for placeholder, real in table.items():
            value = value.replace(placeholder, real)
        return value
    if isinstance(value, list):
        return [_replace(item, sdp_type) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, sdp_type) for key, item in value.items()}
    return value


def _enveloped(document):
    if "object" in document or "event" not in document:
        return document
    business = document.get("from") if document.get("direction") == "BUSINESS_INITIATED" else document.get("to")
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "calls", "value": {"messaging_product": "whatsapp",
                                    "metadata": {"display_phone_number": business or "", "phone_number_id": "106540352242922"},
                                    "calls": [document]}}]}]}


def deliveries(name):
    """The sample's deliveries, placeholders filled in; several when Meta published an array."""
    document = load_json(name)
    document = _replace(document, _first_sdp_type(document) or "offer")
    return [_enveloped(item) for item in (document if isinstance(document, list) else [document])]


def for_box(delivery, phone_number_id):
    """The delivery as Meta would send it to this box's number: only metadata.phone_number_id
    is changed (a box drops events for other numbers), so each sample reaches the code it tests."""
    delivery = copy.deepcopy(delivery)
    for entry in delivery.get("entry", []):
        for change in entry.get("changes", []):
            metadata = change.get("value", {}).get("metadata")
            if isinstance(metadata, dict) and "phone_number_id" in metadata:
                metadata["phone_number_id"] = phone_number_id
    return delivery


def on_loopback(sdp):
    """Every candidate moved to 127.0.0.1 port 9 (discard): the box's ICE checks never aim at
    Meta's real addresses from a test; nothing else in the SDP changes."""
    def move(match):
        fields = match.group(0).split(" ")
        fields[4] = "::1" if ":" in fields[4] else "127.0.0.1"
        fields[5] = "9"
        return " ".join(fields)
    return re.sub(r"a=candidate:[^\r\n]*", move, sdp)


def payload_types(sdp):
    """The `m=audio` formats, and the numbers a=rtpmap gives Opus and telephone-event."""
    formats = re.search(r"^m=audio \S+ \S+ ([\d ]+)", sdp, re.M).group(1).split()
    maps = dict(re.findall(r"^a=rtpmap:(\d+) ([^\r\n]+)", sdp, re.M))
    opus = next((pt for pt in formats if maps.get(pt, "").lower().startswith("opus/48000")), None)
    event = next((pt for pt in formats if maps.get(pt, "").lower() == "telephone-event/8000"), None)
    event = event or next((pt for pt in formats if maps.get(pt, "").lower() == "telephone-event/48000"), None)
    return formats, opus, event
