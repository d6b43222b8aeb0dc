"""The JSON API uses the same services and permissions as the pages."""

import pytest
from django.test import Client

from renda.suggestions import services
from tests.factories.suggestions import replied


@pytest.mark.django_db
def test_submit_and_read_through_api(world, client_for):
    deputy = client_for("deputy")
    response = deputy.post(
        "/api/v1/suggestions/",
        {
            "title": "关于增设农村路灯的建议",
            "text": "村道夜间照明不足，建议增设太阳能路灯。",
            "field": "urban",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "submitted"
    assert deputy.get(f"/api/v1/suggestions/{pk}").status_code == 200
    assert client_for("other_township_staff").get(f"/api/v1/suggestions/{pk}").status_code == 403
    bad = deputy.post(
        "/api/v1/suggestions/", {"title": "", "text": "短", "field": "urban"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "请填写标题" in bad.json()["detail"]
    review = client_for("staff").post(
        f"/api/v1/suggestions/{pk}/review", {"decision": "accept"}, content_type="application/json"
    )
    assert review.json()["status"] == "reviewed"
    assert (
        deputy.post(
            f"/api/v1/suggestions/{pk}/review", {"decision": "accept"}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_public_replies_need_disclosure(world):
    s = replied(world)
    anonymous = Client()
    assert anonymous.get("/api/v1/suggestions/public/replies").json() == []
    services.suggestion_set_public(actor=world.users["staff"], suggestion=s, is_public=True)
    rows = anonymous.get("/api/v1/suggestions/public/replies").json()
    assert [r["suggestion_id"] for r in rows] == [s.pk]
