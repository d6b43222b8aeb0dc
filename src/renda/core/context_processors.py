from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from renda.core import selectors
from renda.core.nav import NAV


def renda(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "unread_count": 0}
    items = [item for item in NAV if user.has_perm(item.perm)]
    return {
        "nav_items": items,
        "unread_count": selectors.notification_unread_count(user=user),
        "user_roles": selectors.role_labels(user=user),
    }
