"""One list page shape for every app: filters on top, a table, Excel export of the filtered rows
(``?export=xlsx``) and pagination. A feature declares a ``ListPage`` subclass; its queryset must
come from a selector that already applies the user's scope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from renda.core.exports import xlsx_response
from renda.core.permissions import permission_required
from renda.core.templatetags.renda import cn_date, cn_datetime, money, percent

Label = str | Promise


@dataclass(frozen=True)
class Column:
    label: Label
    value: str | Callable[[Any], Any]  # dotted attribute path or a function of the row
    link: Callable[[Any], str] | None = None
    fmt: str = ""  # "", "date", "datetime", "money", "percent"
    export: bool = True

    def raw(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            current = getattr(current, part, None)
            if callable(current):
                current = current()
            if current is None:
                return None
        return current

    def display(self, row: Any) -> Any:
        value = self.raw(row)
        formatters: dict[str, Callable[[Any], str]] = {
            "date": cn_date,
            "datetime": cn_datetime,
            "money": money,
            "percent": percent,
        }
        formatter = formatters.get(self.fmt)
        return formatter(value) if formatter and value is not None else ("" if value is None else value)


@dataclass(frozen=True)
class Filter:
    name: str
    label: Label
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]]
    choices: Callable[[HttpRequest], Sequence[tuple[Any, Any]]] | None = None  # None: free text

    def options(self, request: HttpRequest) -> Sequence[tuple[Any, Any]]:
        return self.choices(request) if self.choices else []


@dataclass
class Action:
    label: Label
    url_name: str
    perm: str
    icon: str = "plus-lg"
    kwargs: dict[str, Any] = field(default_factory=dict)


class ListPage:
    permission: ClassVar[str]
    title: ClassVar[Label]
    columns: ClassVar[Sequence[Column]]
    filters: ClassVar[Sequence[Filter]] = ()
    actions: ClassVar[Sequence[Action]] = ()
    export_name: ClassVar[str] = "export"
    per_page: ClassVar[int] = 50
    empty_hint: ClassVar[Label] = ""
    template_name: ClassVar[str] = "core/list.html"

    def __init__(self, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        self.kwargs = kwargs

    def queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def heading(self) -> Label:
        return self.title

    def get_columns(self) -> Sequence[Column]:
        """Override when columns depend on the request (e.g. masked values)."""
        return self.columns

    def extra_context(self) -> dict[str, Any]:
        """Override to give a page's own template more than the list."""
        return {}

    def filtered(self) -> QuerySet[Any]:
        qs = self.queryset()
        for flt in self.filters:
            value = self.request.GET.get(flt.name, "").strip()
            if value:
                qs = flt.apply(qs, value)
        return qs

    def export(self) -> HttpResponse:
        cols = [c for c in self.get_columns() if c.export]
        rows = ([c.raw(row) for c in cols] for row in self.filtered().iterator(chunk_size=2000))
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(
            f"{self.export_name}-{stamp}.xlsx", str(self.heading()), [c.label for c in cols], rows
        )

    def response(self) -> HttpResponse:
        if self.request.GET.get("export") == "xlsx":
            return self.export()
        page = Paginator(self.filtered(), self.per_page).get_page(self.request.GET.get("page"))
        columns = self.get_columns()
        rows = [
            [(c.display(row), c.link(row) if c.link else "") for c in columns] for row in page.object_list
        ]
        actions = [
            (a, reverse(a.url_name, kwargs=a.kwargs or None))
            for a in self.actions
            if self.request.user.has_perm(a.perm)
        ]
        context = {
            "page_title": self.heading(),
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "filters": [(f, f.options(self.request), self.request.GET.get(f.name, "")) for f in self.filters],
            "actions": actions,
            "empty_hint": self.empty_hint,
            **self.extra_context(),
        }
        return render(self.request, self.template_name, context)

    @classmethod
    def as_view(cls) -> Callable[..., HttpResponse]:
        @permission_required(cls.permission)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            return cls(request, **kwargs).response()

        view.__name__ = cls.__name__
        view.__module__ = cls.__module__
        return view
