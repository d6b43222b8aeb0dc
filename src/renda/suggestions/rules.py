"""Who may do what with motions and suggestions (django-rules; deny by default).

Deputies act on their own suggestions (or those they co-sign); handling-unit clerks on the
suggestions assigned to their units (``HandlingUnitContact`` rows, not a congress role); office
staff manage everything in their congress subtree; leaders read and add supervision notes."""

from __future__ import annotations

from typing import Any

import rules

from renda.core.rules import is_leader, is_office_staff, object_in_scope
from renda.org.models import DeputyMandate, HandlingUnitContact, Person


def clerk_unit_ids(user: Any) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_renda_unit_ids", None)
    if cached is None:
        cached = frozenset(HandlingUnitContact.objects.filter(user=user).values_list("unit_id", flat=True))
        user._renda_unit_ids = cached
    return cached


def deputy_person_id(user: Any) -> int | None:
    """The user's person when it holds a deputy mandate (any status: a former deputy keeps their record)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_renda_deputy_person"):
        person = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        has_mandate = person is not None and DeputyMandate.objects.filter(person_id=person).exists()
        user._renda_deputy_person = person if has_mandate else None
    return user._renda_deputy_person


@rules.predicate
def is_clerk(user: Any) -> bool:
    return bool(clerk_unit_ids(user))


@rules.predicate
def is_deputy_person(user: Any) -> bool:
    return deputy_person_id(user) is not None


@rules.predicate
def is_submitter(user: Any, obj: Any) -> bool:
    return obj is not None and obj.submitter_id == deputy_person_id(user)


@rules.predicate
def is_cosigner(user: Any, obj: Any) -> bool:
    person = deputy_person_id(user)
    return obj is not None and person is not None and obj.cosigners.filter(person_id=person).exists()


@rules.predicate
def follows_merged(user: Any, obj: Any) -> bool:
    """Deputies of duplicates merged into this suggestion follow it."""
    person = deputy_person_id(user)
    return obj is not None and person is not None and obj.merged_ones.filter(submitter_id=person).exists()


@rules.predicate
def unit_assigned(user: Any, obj: Any) -> bool:
    units = clerk_unit_ids(user)
    return (
        obj is not None and bool(units) and obj.assignments.filter(unit_id__in=units, is_active=True).exists()
    )


@rules.predicate
def is_own_person(user: Any, obj: Any) -> bool:
    return obj is not None and obj.pk == deputy_person_id(user)


office_in_scope = is_office_staff & object_in_scope
readers_in_scope = (is_office_staff | is_leader) & object_in_scope

rules.add_perm("suggestions.submit", is_deputy_person | is_office_staff)
rules.add_perm("suggestions.view_mine", is_deputy_person)
rules.add_perm(
    "suggestions.view", readers_in_scope | is_submitter | is_cosigner | follows_merged | unit_assigned
)
rules.add_perm("suggestions.cosign", is_cosigner)
rules.add_perm("suggestions.confirm", is_submitter)
rules.add_perm("suggestions.rate", is_submitter)
rules.add_perm("suggestions.handle", unit_assigned)
rules.add_perm("suggestions.view_inbox", is_clerk)
rules.add_perm("suggestions.view_list", is_office_staff | is_leader)
rules.add_perm("suggestions.manage", office_in_scope)
rules.add_perm("suggestions.note", readers_in_scope)
rules.add_perm("suggestions.view_metrics", readers_in_scope)
rules.add_perm("suggestions.view_record", readers_in_scope | is_own_person)
rules.add_perm("suggestions.view_round", readers_in_scope)
