"""Workbench to-dos of budget supervision: alerts awaiting review and overdue explanations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.budget.models import AlertStatus
from renda.budget.selectors import alert_list, overdue_alerts
from renda.core.models import User
from renda.core.todos import Todo


def budget_todos(user: User) -> list[Todo]:
    if not user.has_perm("budget.manage_budget"):
        return []
    items = []
    waiting = alert_list(user=user).filter(status=AlertStatus.NEW).count()
    if waiting:
        items.append(
            Todo(
                _("%(count)s budget alerts await review") % {"count": waiting},
                f"{reverse('budget:alerts')}?status=new",
                gettext_lazy("Budget alert"),
            )
        )
    for alert in overdue_alerts(user=user)[:20]:
        items.append(
            Todo(
                _("Overdue explanation: %(title)s") % {"title": alert.title},
                reverse("budget:alert_detail", args=[alert.pk]),
                gettext_lazy("Budget alert"),
                due=alert.due_date,
                congress=alert.congress.name,
            )
        )
    return items
