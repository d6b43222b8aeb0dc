"""Who may see which congresses. A user's scope is the union of the subtrees of the congresses
in which they hold a role; an administrator sees everything. Computed once per request."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from renda.core.models import Congress, Role, User

# Roles whose grant covers the granted congress and everything under it.
SUBTREE_ROLES = {Role.STAFF, Role.LEADER, Role.TOWNSHIP_STAFF, Role.ADMIN}


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_renda_roles", None)
    if cached is None:
        roles = set(user.role_grants.values_list("role", flat=True))
        if user.is_superuser:
            roles.add(Role.ADMIN)
        cached = frozenset(roles)
        setattr(user, "_renda_roles", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def visible_congress_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Ids of every congress whose rows the user may see."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_renda_scope", None)
    if cached is not None:
        return cached
    if Role.ADMIN in user_roles(user):
        ids = frozenset(Congress.objects.values_list("id", flat=True))
    else:
        grants = list(user.role_grants.select_related("congress"))
        query = Q(pk__in=[])
        for grant in grants:
            if grant.role in SUBTREE_ROLES:
                query |= Q(path__startswith=grant.congress.path)
            else:
                query |= Q(pk=grant.congress_id)
        ids = frozenset(Congress.objects.filter(query).values_list("id", flat=True))
    setattr(user, "_renda_scope", ids)  # noqa: B010
    return ids


def visible_congresses(user: User | AnonymousUser) -> QuerySet[Congress]:
    return Congress.objects.filter(pk__in=visible_congress_ids(user))


def home_congress(user: User | AnonymousUser) -> Congress | None:
    """The highest congress the user works in: the default for pages that need one."""
    if not user.is_authenticated:
        return None
    grant = user.role_grants.select_related("congress").order_by("congress__path").first()
    if grant is not None:
        return grant.congress
    if user.is_superuser:
        return Congress.objects.order_by("path").first()
    return None


def in_scope(user: User | AnonymousUser, congress_id: int | None) -> bool:
    return congress_id is not None and congress_id in visible_congress_ids(user)


def reset_cache(user: User) -> None:
    for attr in ("_renda_roles", "_renda_scope"):
        if hasattr(user, attr):
            delattr(user, attr)
