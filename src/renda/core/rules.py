"""Permission predicates shared by every app (django-rules). Deny by default: a permission that
is not declared here or in an app's rules.py is refused by the backend."""

from __future__ import annotations

from typing import Any

import rules

from renda.core.models import Role
from renda.core.scope import in_scope, user_roles


def has_role(*roles: str) -> rules.Predicate:
    names = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user: Any) -> bool:
        return bool(user_roles(user) & names)

    return predicate


@rules.predicate
def object_in_scope(user: Any, obj: Any) -> bool:
    """True when there is no object (list pages) or the object's congress is visible to the user."""
    if obj is None:
        return True
    congress_id = getattr(obj, "congress_id", None)
    if congress_id is None and obj.__class__.__name__ == "Congress":
        congress_id = obj.pk
    return in_scope(user, congress_id)


is_admin = has_role(Role.ADMIN)
is_staff = has_role(Role.STAFF, Role.ADMIN)
is_leader = has_role(Role.LEADER)
is_deputy = has_role(Role.DEPUTY)
is_unit_clerk = has_role(Role.UNIT_CLERK)
is_township_staff = has_role(Role.TOWNSHIP_STAFF)
# Staff of the county office or of a township congress: the people who run the work.
is_office_staff = has_role(Role.STAFF, Role.TOWNSHIP_STAFF, Role.ADMIN)
is_internal = has_role(Role.STAFF, Role.TOWNSHIP_STAFF, Role.ADMIN, Role.LEADER, Role.DEPUTY, Role.UNIT_CLERK)
# Who may read full ID and phone numbers (the rest see them masked).
can_see_sensitive = has_role(Role.ADMIN, Role.STAFF, Role.TOWNSHIP_STAFF)

rules.add_perm("core.view_workbench", rules.is_authenticated)


@rules.predicate
def owns_object(user: Any, obj: Any) -> bool:
    """The object is the user's own: a message they received, a token they created."""
    if obj is None:
        return True
    owner_id = getattr(obj, "recipient_id", None) or getattr(obj, "user_id", None)
    return owner_id is not None and owner_id == user.pk


rules.add_perm("core.view_notifications", rules.is_authenticated & owns_object)
rules.add_perm("core.view_audit_trail", is_office_staff & object_in_scope)
rules.add_perm("core.view_audit_log", is_office_staff)
rules.add_perm("core.change_rule_settings", is_admin | (is_staff & object_in_scope))
rules.add_perm("core.view_rule_settings", is_office_staff | is_leader)
rules.add_perm("core.view_sensitive", can_see_sensitive)
rules.add_perm("core.manage_tokens", rules.is_authenticated & owns_object)
rules.add_perm("core.change_own_password", rules.is_authenticated)
# Django admin (users, role grants, calendar): system administrators only.
rules.add_perm("core.use_admin_site", is_admin)
rules.add_perm("core.view_schedule", is_admin)
rules.add_perm("core.run_scheduled_job", is_admin)
