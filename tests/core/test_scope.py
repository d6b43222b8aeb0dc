"""Role scope (DESIGN.md, Tenancy): a township clerk sees only their township; county staff see the
county and the townships under it; deputies, clerks and the public see only their own congress."""

from __future__ import annotations

import pytest
from django.db import transaction

from renda.core import services
from renda.core.audit import audit_log
from renda.core.models import CongressKind, Role
from renda.core.scope import home_congress, in_scope, reset_cache, user_roles, visible_congress_ids
from renda.core.selectors import audit_log_list
from renda.org import selectors as org_selectors
from tests.factories.world import make_person, make_user

pytestmark = pytest.mark.django_db


def _ids(*congresses):  # type: ignore[no-untyped-def]
    return frozenset(c.pk for c in congresses)


def test_county_staff_see_the_county_and_every_township(world):
    assert visible_congress_ids(world.users["staff"]) == _ids(
        world.county, world.township, world.other_township
    )


def test_leader_sees_the_county_subtree(world):
    assert visible_congress_ids(world.users["leader"]) == _ids(
        world.county, world.township, world.other_township
    )


def test_township_staff_see_only_their_township(world):
    assert visible_congress_ids(world.users["township_staff"]) == _ids(world.township)
    assert visible_congress_ids(world.users["other_township_staff"]) == _ids(world.other_township)


def test_deputy_clerk_and_public_see_only_the_granted_congress(world):
    for role in ("deputy", "unit_clerk", "public"):
        assert visible_congress_ids(world.users[role]) == _ids(world.county), role


def test_admin_sees_everything_even_a_new_county(world):
    other_county = services.congress_create(actor=None, name="邻县人民代表大会", kind=CongressKind.COUNTY)
    assert other_county.pk in visible_congress_ids(world.users["admin"])
    assert other_county.pk not in visible_congress_ids(world.users["staff"])


def test_scope_is_a_subtree_not_a_name_prefix(world):
    """Materialised paths: a congress whose path merely starts with the same digits is not inside."""
    county = world.county
    townships = [
        services.congress_create(actor=None, name=f"第{i}镇", kind=CongressKind.TOWNSHIP, parent=county)
        for i in range(12)
    ]
    another = services.congress_create(actor=None, name="另一县", kind=CongressKind.COUNTY)
    clerk = make_user("t-clerk", Role.TOWNSHIP_STAFF, townships[0])
    assert visible_congress_ids(clerk) == _ids(townships[0])
    assert another.pk not in visible_congress_ids(world.users["staff"])
    assert all(t.pk in visible_congress_ids(world.users["staff"]) for t in townships)


def test_user_without_any_grant_sees_nothing(world):
    nobody = make_user("nobody", None, None)
    assert visible_congress_ids(nobody) == frozenset()
    assert home_congress(nobody) is None
    assert user_roles(nobody) == frozenset()


def test_grants_union_and_revocation(world):
    user = world.users["township_staff"]
    services.role_grant(actor=None, user=user, role=Role.TOWNSHIP_STAFF, congress=world.other_township)
    assert visible_congress_ids(user) == _ids(world.township, world.other_township)
    services.role_revoke(actor=None, user=user, role=Role.TOWNSHIP_STAFF, congress=world.township)
    assert visible_congress_ids(user) == _ids(world.other_township)


def test_home_congress_is_the_highest_granted(world):
    assert home_congress(world.users["staff"]) == world.county
    assert home_congress(world.users["township_staff"]) == world.township


def test_selectors_apply_the_scope(world):
    township_staff = world.users["township_staff"]
    people = org_selectors.person_list(user=township_staff)
    assert people.exists() and set(people.values_list("congress_id", flat=True)) == {world.township.pk}
    make_person(world.other_township, "邻乡代表")
    assert not org_selectors.person_list(user=township_staff).filter(name="邻乡代表").exists()
    assert org_selectors.person_list(user=world.users["staff"]).filter(name="邻乡代表").exists()
    mandates = org_selectors.mandate_list(user=township_staff)
    assert set(mandates.values_list("congress_id", flat=True)) == {world.township.pk}


def test_audit_log_is_scoped_for_township_staff(world):
    with transaction.atomic():
        audit_log(actor=None, action="test.county", congress=world.county)
        audit_log(actor=None, action="test.other", congress=world.other_township)
        audit_log(actor=None, action="test.own", congress=world.township)
    seen = set(audit_log_list(user=world.users["township_staff"]).values_list("action", flat=True))
    assert "test.own" in seen and "test.county" not in seen and "test.other" not in seen
    everything = set(audit_log_list(user=world.users["staff"]).values_list("action", flat=True))
    assert {"test.county", "test.other", "test.own"} <= everything


def test_object_permission_follows_the_scope(world):
    county_mandate = world.deputies[0]
    township_mandate = world.township_deputies[0]
    township_staff, staff = world.users["township_staff"], world.users["staff"]
    assert township_staff.has_perm("org.view_person", township_mandate.person)
    assert not township_staff.has_perm("org.view_person", county_mandate.person)
    assert not world.users["other_township_staff"].has_perm("org.view_person", township_mandate.person)
    assert staff.has_perm("org.view_person", township_mandate.person)
    assert in_scope(staff, world.township.pk) and not in_scope(township_staff, world.county.pk)


def test_scope_cache_is_reset_by_a_new_grant(world):
    user = world.users["township_staff"]
    assert world.county.pk not in visible_congress_ids(user)
    services.role_grant(actor=None, user=user, role=Role.STAFF, congress=world.county)
    assert world.county.pk in visible_congress_ids(user)
    reset_cache(user)
    assert Role.STAFF in user_roles(user)
