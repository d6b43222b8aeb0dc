"""List pages (``ListPage``): all suggestions for staff, the unit inbox, the overdue list and the
supervision rounds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.lists import Action, Column, Filter, ListPage
from renda.core.scope import visible_congresses
from renda.suggestions import selectors
from renda.suggestions.due import DueState, assignment_state
from renda.suggestions.models import Assignment, Deadline, Field, Kind, Status, Suggestion, SupervisionRound


@dataclass(frozen=True)
class DueColumn(Column):
    """A due date as ``DueState`` shows it: days left while open (overdue in red), done on time or
    late once met. The export gets the plain date."""

    def state(self, row: Any) -> DueState:
        value = super().raw(row)
        return value if isinstance(value, DueState) else DueState(value)

    def raw(self, row: Any) -> Any:
        return self.state(row).due

    def display(self, row: Any) -> Any:
        return self.state(row).html()


def _detail(s: Suggestion) -> str:
    return reverse("suggestions:detail", kwargs={"pk": s.pk})


def _congress_filter() -> Filter:
    return Filter(
        "congress",
        _("Congress"),
        lambda qs, v: qs.filter(congress_id=v),
        lambda r: [(c.pk, c.name) for c in visible_congresses(r.user)],
    )


def _year_choices(request: Any) -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this, this - 11, -1)]


class SuggestionListPage(ListPage):
    permission = "suggestions.view_list"
    title = _("Suggestions and motions")
    export_name = "suggestions"
    empty_hint = _("No suggestions yet. Deputies submit them from their phones; staff can enter paper ones.")
    actions = (
        Action(_("Batch assignment"), "suggestions:batch", "suggestions.manage", "diagram-3"),
        Action(_("Enter for a deputy"), "suggestions:new", "suggestions.submit", "plus-lg"),
    )
    columns = (
        Column(pgettext_lazy("suggestion", "Number"), "code", link=_detail),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Title"), "title", link=_detail),
        Column(_("Lead deputy"), "submitter.name"),
        Column(_("Field"), "get_field_display"),
        Column(_("Status"), "get_status_display"),
        Column(_("Lead unit"), "lead_unit.organ.name"),
        DueColumn(_("Reply due"), "due_state"),
        Column(_("Reply class"), "category"),
        Column(_("Rating"), "get_rating_display"),
        Column(_("Congress"), "congress.name"),
    )
    filters = (
        _congress_filter(),
        Filter("year", _("Year"), lambda qs, v: qs.filter(year=v), _year_choices),
        Filter("status", _("Status"), lambda qs, v: qs.filter(status=v), lambda r: Status.choices),
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: Kind.choices),
        Filter("field", _("Field"), lambda qs, v: qs.filter(field=v), lambda r: Field.choices),
        Filter(
            "key",
            _("Key supervision"),
            lambda qs, v: qs.filter(key_supervised=v == "1"),
            lambda r: [("1", _("yes")), ("0", _("no"))],
        ),
        Filter("q", _("Title"), lambda qs, v: qs.filter(title__icontains=v)),
    )

    def queryset(self) -> QuerySet[Suggestion]:
        return selectors.with_due_state(selectors.suggestion_list(user=self.request.user))  # type: ignore[arg-type]


class InboxPage(ListPage):
    permission = "suggestions.view_inbox"
    title = _("Unit inbox")
    export_name = "unit-inbox"
    empty_hint = _("Nothing to handle. Suggestions assigned to your unit will appear here.")
    columns = (
        Column(
            pgettext_lazy("suggestion", "Number"), "suggestion.code", link=lambda a: _detail(a.suggestion)
        ),
        Column(_("Title"), "suggestion.title", link=lambda a: _detail(a.suggestion)),
        Column(_("Lead deputy"), "suggestion.submitter.name"),
        Column(_("Unit"), "unit.organ.name"),
        Column(pgettext_lazy("assignment", "Role"), "get_role_display"),
        Column(_("Status"), "suggestion.get_status_display"),
        DueColumn(_("Due"), assignment_state),
    )
    filters = (
        Filter(
            "status",
            _("Status"),
            lambda qs, v: qs.filter(suggestion__status=v),
            lambda r: [
                (s, label)
                for s, label in Status.choices
                if s in (Status.ASSIGNED, Status.REHANDLING, Status.REPLIED)
            ],
        ),
        Filter("q", _("Title"), lambda qs, v: qs.filter(suggestion__title__icontains=v)),
    )

    def queryset(self) -> QuerySet[Assignment]:
        return selectors.unit_inbox(user=self.request.user)  # type: ignore[arg-type]


class OverduePage(ListPage):
    permission = "suggestions.manage"
    title = pgettext_lazy("list of suggestions", "Overdue")
    export_name = "overdue"
    empty_hint = _("Nothing is overdue.")
    columns = (
        Column(
            pgettext_lazy("suggestion", "Number"), "suggestion.code", link=lambda d: _detail(d.suggestion)
        ),
        Column(_("Title"), "suggestion.title", link=lambda d: _detail(d.suggestion)),
        Column(_("Unit"), "assignment.unit.organ.name"),
        Column(_("Deadline"), "get_kind_display"),
        DueColumn(_("Due"), "due_date"),
        Column(pgettext_lazy("deadline", "Rule"), "rule"),
        Column(pgettext_lazy("legal basis", "Source"), "source"),
    )
    filters = (
        Filter(
            "kind",
            _("Deadline"),
            lambda qs, v: qs.filter(kind=v),
            lambda r: [
                ("reply", _("reply")),
                ("opinion", _("co-handler opinion")),
                ("rehandle", _("re-handling reply")),
            ],
        ),
    )

    def queryset(self) -> QuerySet[Deadline]:
        return selectors.overdue_deadlines(user=self.request.user)  # type: ignore[arg-type]


class RoundListPage(ListPage):
    permission = "suggestions.view_round"
    title = _("Supervision rounds")
    export_name = "supervision-rounds"
    empty_hint = _("No supervision rounds yet. Plan one to visit the units with open suggestions.")
    actions = (Action(_("Plan a round"), "suggestions:round_new", "suggestions.manage", "plus-lg"),)
    columns = (
        Column(_("Title"), "title", link=lambda r: reverse("suggestions:round_detail", kwargs={"pk": r.pk})),
        Column(_("Date"), "planned_on", fmt="date"),
        Column(_("Led by"), "leader"),
        Column(_("Units"), "unit_count"),
        Column(_("Congress"), "congress.name"),
    )

    def queryset(self) -> QuerySet[SupervisionRound]:
        return selectors.round_list(user=self.request.user)  # type: ignore[arg-type]


suggestion_list = SuggestionListPage.as_view()
inbox = InboxPage.as_view()
overdue = OverduePage.as_view()
round_list = RoundListPage.as_view()
