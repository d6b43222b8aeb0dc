"""JSON API core: authentication (session, bearer token, anonymous 401), the current user, to-dos,
inbox, personal tokens (shown once, revocable) and the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from renda.core import services
from renda.core.models import ApiToken, AuditEvent
from renda.core.todos import PROVIDERS, Todo

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anonymous_gets_401():
    for url in (ME, f"{ME}/todos", f"{ME}/notifications", f"{ME}/tokens"):
        assert Client().get(url).status_code == 401, url


def test_session_auth(world, client_for):
    response = client_for("staff").get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "staff" and body["roles"] == ["机关工作人员"]


def test_bearer_token_auth_and_revocation(world):
    user = world.users["leader"]
    token, raw = services.api_token_create(actor=user, name="大屏")
    assert raw.startswith("renda_") and raw not in token.digest
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the digest is stored
    response = Client().get(ME, **_bearer(raw))
    assert response.status_code == 200 and response.json()["username"] == "leader"
    token.refresh_from_db()
    assert token.last_used_at is not None
    services.api_token_revoke(actor=user, token=token)
    assert Client().get(ME, **_bearer(raw)).status_code == 401
    assert Client().get(ME, **_bearer("renda_not-a-token")).status_code == 401


def test_token_of_a_disabled_user_is_refused(world):
    user = world.users["deputy"]
    _token, raw = services.api_token_create(actor=user, name="app")
    user.is_active = False
    user.save()
    assert Client().get(ME, **_bearer(raw)).status_code == 401


def test_create_list_and_revoke_tokens_through_the_api(world, client_for):
    client = client_for("deputy")
    response = client.post(f"{ME}/tokens", {"name": "手机"}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    raw = created["token"]
    listed = client.get(f"{ME}/tokens").json()
    assert [t["name"] for t in listed] == ["手机"] and "token" not in listed[0]
    # The new token works by itself, and can revoke itself.
    bearer = Client()
    assert bearer.delete(f"{ME}/tokens/{created['id']}", **_bearer(raw)).json()["revoked"] is True
    assert bearer.get(ME, **_bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_one_cannot_revoke_another_users_token(world, client_for):
    token, _raw = services.api_token_create(actor=world.users["leader"], name="大屏")
    assert client_for("deputy").delete(f"{ME}/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert not token.revoked
    with pytest.raises(ValidationError):
        services.api_token_revoke(actor=world.users["deputy"], token=token)


def test_token_needs_a_name(world, client_for):
    response = client_for("deputy").post(f"{ME}/tokens", {"name": " "}, content_type="application/json")
    assert response.status_code == 422 and "名称" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_page_shows_the_raw_token_once(world, client_for):
    client = client_for("staff")
    response = client.post(reverse("core:tokens"), {"name": "财政局数据交换"})
    html = response.content.decode()
    token = ApiToken.objects.get()
    raw = html.split('class="renda-token bg-white border rounded p-2">')[1].split("<")[0]
    assert ApiToken.digest_of(raw) == token.digest
    assert "no-store" in response["Cache-Control"]
    assert raw not in client.get(reverse("core:tokens")).content.decode()
    client.post(reverse("core:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked


def test_todos_come_from_registered_providers(world, client_for):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()

    def provider(user):  # type: ignore[no-untyped-def]
        if user.username != "deputy":
            return []
        return [
            Todo("later", "/x/", "建议", today + dt.timedelta(days=10)),
            Todo("undated", "/y/", "通知"),
            Todo("overdue", "/z/", "建议", today - dt.timedelta(days=2), rule="代表法第五十一条"),
        ]

    PROVIDERS.append(provider)
    try:
        todos = client_for("deputy").get(f"{ME}/todos").json()
        html = client_for("deputy").get(reverse("core:workbench")).content.decode()
    finally:
        PROVIDERS.remove(provider)
    assert [t["title"] for t in todos] == ["overdue", "later", "undated"]
    assert [t["days_left"] for t in todos] == [-2, 10, None]
    assert todos[0]["rule"] == "代表法第五十一条"
    assert "已逾期 2 天" in html and "还剩 10 天" in html
    assert client_for("leader").get(f"{ME}/todos").json() == []


def test_inbox_through_the_api(world, client_for):
    services.notification_send(actor=None, recipients=[world.users["deputy"]], kind="t", title="通知一")
    client = client_for("deputy")
    items = client.get(f"{ME}/notifications?unread=true").json()
    assert [(i["title"], i["read"]) for i in items] == [("通知一", False)]
    assert client.get(ME).json()["unread_notifications"] == 1
    response = client.post(f"{ME}/notifications/read", {}, content_type="application/json")
    assert response.json() == {"count": 1}
    assert client.get(ME).json()["unread_notifications"] == 0


def test_openapi_schema_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Renda API"
    assert "/api/v1/me" in schema["paths"] and "/api/v1/me/tokens" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_api_docs_load_nothing_from_another_host():
    html = Client().get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "swagger-ui-bundle.js" in html
