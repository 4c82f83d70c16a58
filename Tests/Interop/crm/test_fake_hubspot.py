"""The fake HubSpot must be trustworthy before the box is tested against it: it accepts
what spec §9 describes and flags what it does not."""
import json
import urllib.error
import urllib.request

import pytest

from fake_hubspot import FakeHubSpot


@pytest.fixture
def hubspot():
    fake = FakeHubSpot().start()
    yield fake
    fake.stop()


def call(hubspot, method, path, body, token="test-hubspot-token"):
    request = urllib.request.Request(hubspot.url + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_well_formed_call_engagement_is_stored_once_and_flagged_by_nothing(hubspot):
    contact = hubspot.add_contact(phone="+34600111222")
    status, created = call(hubspot, "POST", "/crm/v3/objects/calls", {
        "properties": {"hs_timestamp": "1767225600000", "hs_call_direction": "INBOUND",
                       "hs_call_status": "NO_ANSWER", "hs_call_duration": "0"},
        "associations": [{"to": {"id": contact},
                          "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]}]})
    assert status == 201 and created["id"] in hubspot.calls
    assert hubspot.calls[created["id"]]["associations"] == [contact]
    assert hubspot.problems == []


def test_it_flags_wrong_units_association_ids_and_tokens(hubspot):
    contact = hubspot.add_contact(phone="+34600111222")
    call(hubspot, "POST", "/crm/v3/objects/calls", {
        "properties": {"hs_call_duration": "42 s", "hs_call_status": "MISSED"},
        "associations": [{"to": {"id": contact},
                          "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 81}]}]})
    assert call(hubspot, "POST", "/crm/v3/objects/contacts/search", {}, token="wrong")[0] == 401
    problems = " | ".join(hubspot.problems)
    for expected in ("hs_timestamp", "milliseconds", "MISSED", "194", "Authorization"):
        assert expected in problems, problems


def test_contact_search_matches_phone_forms_and_enforces_the_limits(hubspot):
    contact = hubspot.add_contact(phone="+34 600 111 222", mobilephone="34600999888")
    status, found = call(hubspot, "POST", "/crm/v3/objects/contacts/search", {"filterGroups": [
        {"filters": [{"propertyName": "phone", "operator": "EQ", "value": "+34600111222"}]},
        {"filters": [{"propertyName": "mobilephone", "operator": "EQ", "value": "34600999888"}]}], "limit": 5})
    assert status == 200 and [r["id"] for r in found["results"]] == [contact]
    too_many = {"filterGroups": [{"filters": [{"propertyName": "phone", "operator": "EQ", "value": str(n)}]}
                                 for n in range(6)]}
    assert call(hubspot, "POST", "/crm/v3/objects/contacts/search", too_many)[0] == 400
