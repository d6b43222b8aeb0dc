"""The admin pages for users and role grants: only system administrators, and every change audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from renda.core.models import AuditEvent, Role, RoleGrant, User

pytestmark = pytest.mark.django_db


def _inline(prefix: str, rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_only_admins_reach_the_user_admin(world, client_for):
    url = reverse("admin:core_user_changelist")
    assert client_for("admin").get(url).status_code == 200
    for role in ("staff", "leader", "deputy", "unit_clerk", "township_staff", "public"):
        response = client_for(role).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


def test_admin_grants_a_role_and_it_is_audited(world, client_for):
    user = world.users["public"]
    url = reverse("admin:core_user_change", args=[user.pk])
    grant = RoleGrant.objects.get(user=user)
    data = {
        "username": user.username,
        "display_name": "新任干事",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    data |= _inline(
        "role_grants",
        [
            {
                "id": str(grant.pk),
                "user": str(user.pk),
                "role": Role.PUBLIC,
                "congress": str(world.county.pk),
                "DELETE": "on",
            },
            {"user": str(user.pk), "role": Role.TOWNSHIP_STAFF, "congress": str(world.township.pk)},
        ],
        initial=1,
    )
    response = client_for("admin").post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {Role.TOWNSHIP_STAFF}
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk), object_type="core.user").values_list(
            "action", flat=True
        )
    )
    assert actions[-3:] == ["user.update", "role.revoke", "role.grant"]
    user.refresh_from_db()
    assert user.display_name == "新任干事"


def test_admin_unlocks_a_locked_account(world, client_for):
    from django.test import Client

    client = Client()
    for _ in range(6):
        client.post(reverse("core:login"), {"username": "deputy", "password": "wrong"})
    assert client.post(reverse("core:login"), {"username": "deputy", "password": "x"}).status_code == 429
    deputy = world.users["deputy"]
    client_for("admin").post(
        reverse("admin:core_user_changelist"), {"action": "unlock", "_selected_action": [str(deputy.pk)]}
    )
    assert AuditEvent.objects.filter(action="user.unlock", object_id=str(deputy.pk)).exists()
    User.objects.filter(pk=deputy.pk).update(password=make_password("Renda-test-2026"))
    response = client.post(reverse("core:login"), {"username": "deputy", "password": "Renda-test-2026"})
    assert response.status_code == 302
