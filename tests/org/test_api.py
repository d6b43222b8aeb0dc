import pytest
from django.test import Client

from renda.core.services import api_token_create
from tests.permission_matrix import ROLES

pytestmark = pytest.mark.django_db

API = "/api/v1/org"
READERS = {"admin", "staff", "leader", "township_staff"}


def _items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.mark.parametrize("path", ["congresses", "terms", "bodies", "deputies", "units", "organs"])
def test_list_permissions_match_the_pages(world, client_for, path):
    allowed = READERS | ({"deputy", "unit_clerk"} if path == "organs" else set())
    assert Client().get(f"{API}/{path}").status_code == 401
    for role in ROLES:
        status = client_for(role).get(f"{API}/{path}").status_code
        assert status == (200 if role in allowed else 403), (role, status)


def test_township_staff_see_only_their_township(world, client_for):
    client = client_for("township_staff")
    deputies = _items(client.get(f"{API}/deputies?limit=1000"))
    assert deputies and {d["congress_id"] for d in deputies} == {world.township.pk}
    congresses = _items(client.get(f"{API}/congresses"))
    assert [c["id"] for c in congresses] == [world.township.pk]
    assert client.get(f"{API}/deputies/{world.deputies[0].pk}").status_code == 403
    assert client.get(f"{API}/terms/{world.term.pk}").status_code == 403
    assert client.get(f"{API}/terms/{world.township_term.pk}").status_code == 200
    other = client_for("other_township_staff")
    assert _items(other.get(f"{API}/deputies")) == []
    assert other.get(f"{API}/deputies/{world.township_deputies[0].pk}").status_code == 403


def test_deputies_masked_unless_allowed(world, client_for):
    person = world.deputies[1].person
    full = client_for("staff").get(f"{API}/deputies/{world.deputies[1].pk}").json()
    assert full["phone"] == person.phone and full["id_number"] == person.id_number and full["masked"] is False
    masked = client_for("leader").get(f"{API}/deputies/{world.deputies[1].pk}").json()
    assert masked["masked"] is True
    assert masked["phone"] == person.phone[:3] + "****" + person.phone[-4:]
    assert masked["id_number"] == person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    listed = _items(client_for("leader").get(f"{API}/deputies?term={world.term.pk}&limit=100"))
    assert len(listed) == len(world.deputies)
    assert all(person.id_number not in str(d) and person.phone not in str(d) for d in listed)


def test_body_with_members_and_unit_with_contacts(world, client_for):
    client = client_for("staff")
    body = client.get(f"{API}/bodies/{world.standing_committee.pk}").json()
    assert body["kind"] == "standing_committee"
    assert [m["role"] for m in body["members"]][:3] == ["chair", "vice_chair", "vice_chair"]
    unit = client.get(f"{API}/units/{world.units[0].pk}").json()
    assert unit["name"] == "县教育局" and unit["contacts"][0]["is_primary"] is True
    organ = client.get(f"{API}/organs/{world.units[0].organ_id}").json()
    assert organ["kind"] == "department"


def test_bearer_token_has_the_same_permissions(world):
    _row, token = api_token_create(actor=world.users["leader"], name="t")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    item = client.get(f"{API}/deputies/{world.deputies[1].pk}").json()
    assert item["masked"] is True


def test_openapi_documents_the_org_endpoints():
    # Read from the API object: serving /api/v1/openapi.json is the core app's view.
    from renda.api import api

    schema = api.get_openapi_schema()
    for path in ("congresses", "terms", "bodies", "deputies", "organs", "units"):
        assert f"{API}/{path}" in schema["paths"]
    assert "DeputyOut" in schema["components"]["schemas"]
