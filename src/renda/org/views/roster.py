"""The deputy roster import (代表名册) with its template, and the composition page (代表构成)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.crypto import decrypt, encrypt
from renda.core.exports import XLSX_CONTENT_TYPE, attachment, xlsx_bytes
from renda.core.permissions import permission_required
from renda.org import roster, selectors, services
from renda.org.models import Term

STASH_KEY = "org.roster_upload"
PALETTE = ["#9b1c1c", "#c9a227", "#2f6f8f", "#5b8c5a", "#8a5a9b", "#d9822b", "#6c757d", "#3d3d3d"]


def _term(request: HttpRequest, pk: int) -> Term:
    return get_object_or_404(Term.objects.select_related("congress"), pk=pk)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Roster file (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(
                _("Please choose an Excel file ending in .xlsx (save older .xls files as .xlsx).")
            )
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload


@permission_required("org.import_roster")
def roster_template(request: HttpRequest) -> HttpResponse:
    return attachment(roster.template_bytes(), "代表名册模板.xlsx", XLSX_CONTENT_TYPE)


@permission_required("org.import_roster", get_object=_term)
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → check (preview of every row, nothing written) → confirm; or upload and import at once.
    Between check and confirm the file waits in the session, encrypted (it holds ID numbers)."""
    term: Term = request.renda_object  # type: ignore[attr-defined]
    form = RosterUploadForm()
    context: dict[str, Any] = {"term": term, "page_title": _("Import deputy roster"), "form": form}
    if request.method == "POST":
        action = request.POST.get("action", "check")
        data: bytes | None = None
        if action == "confirm":
            stash = request.session.get(STASH_KEY) or {}
            if stash.get("term") == term.pk:
                data = base64.b64decode(decrypt(stash["data"]))
            else:
                messages.error(request, _("The checked file has expired. Please choose the file again."))
        else:
            form = RosterUploadForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                data = form.cleaned_data["file"].read()
        if data is not None:
            context.update(_handle(request, term, action, data))
            if context.get("done"):
                return redirect("org:term_detail", pk=term.pk)
    return render(request, "org/roster_import.html", context)


def _handle(request: HttpRequest, term: Term, action: str, data: bytes) -> dict[str, Any]:
    if action == "check":
        try:
            plan = roster.plan_import(term=term, file=data)
        except ValidationError as exc:
            return {"errors": exc.messages}
        if plan.errors:
            return {"errors": plan.errors}
        request.session[STASH_KEY] = {"term": term.pk, "data": encrypt(base64.b64encode(data).decode())}
        return {
            "plan": plan,
            "created": plan.count("create"),
            "added": plan.count("add"),
            "unchanged": plan.count("unchanged"),
        }
    try:
        result = services.roster_import(actor=request.user, term=term, file=data)  # type: ignore[arg-type]
    except ValidationError as exc:
        return {"errors": exc.messages}
    request.session.pop(STASH_KEY, None)
    messages.success(request, _(
        "Roster imported: %(created)s new deputies, %(added)s already registered people given a mandate, "
        "%(unchanged)s rows unchanged."
    ) % {"created": result.created, "added": result.added, "unchanged": result.unchanged})  # fmt: skip
    return {"done": True}


def _reference_date(request: HttpRequest, term: Term) -> dt.date:
    text = request.GET.get("on", "")
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            messages.error(request, _("The reference date is not a valid date; today is used instead."))
    day = timezone.localdate()
    if term.end_date and day > term.end_date:
        return term.end_date
    return max(day, term.start_date)


def _chart_option(table: selectors.CompositionTable, kind: str) -> dict[str, Any]:
    if kind == "pie":
        data = [{"name": r.label, "value": r.count} for r in table.rows if r.count]  # no empty slices
        return {
            "color": PALETTE,
            "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
            "legend": {"bottom": 0, "type": "scroll"},
            "series": [{
                "type": "pie", "radius": ["35%", "62%"], "center": ["50%", "45%"], "data": data,
                "label": {"formatter": "{b}\n{d}%"},
            }],
        }  # fmt: skip
    labels, counts = [r.label for r in table.rows], [r.count for r in table.rows]
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0}}
    value = {"type": "value", "minInterval": 1}
    horizontal = kind == "hbar"  # long category names read better down the side
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 32, "top": 24, "bottom": 8, "containLabel": True},
        "xAxis": value if horizontal else category,
        "yAxis": {**category, "inverse": True} if horizontal else value,
        "series": [{"type": "bar", "data": counts, "barMaxWidth": 40,
                    "label": {"show": True, "position": "right" if horizontal else "top"}}],
    }  # fmt: skip


CHART_KINDS = {
    "gender": "pie",
    "age": "bar",
    "ethnicity": "pie",
    "party": "pie",
    "education": "hbar",
    "sector": "hbar",
}


@permission_required("org.view_composition", get_object=_term)
def term_composition(request: HttpRequest, pk: int) -> HttpResponse:
    term: Term = request.renda_object  # type: ignore[attr-defined]
    on = _reference_date(request, term)
    composition = selectors.term_composition(term=term, on=on)
    if request.GET.get("export") == "xlsx":
        heading = (_("Category"), _("Number of deputies"), _("Share (%)"))
        summary = [
            (_("Term"), str(term)),
            (_("Reference date"), on),
            (_("Deputies serving"), composition.total),
        ]
        sheets: list[tuple[str, Any, Any]] = [(_("Overview"), (_("Item"), _("Value")), summary)]
        sheets += [
            (t.title, heading, [(r.label, r.count, "" if r.share is None else round(r.share * 100, 1)) for r in t.rows])
            for t in composition.tables
        ]  # fmt: skip
        name = f"{term.congress.name}{term.label}代表构成-{on:%Y%m%d}.xlsx"
        return attachment(xlsx_bytes(sheets), name, XLSX_CONTENT_TYPE)
    charts = [
        {"id": f"chart-{t.key}", "table": t, "option": _chart_option(t, CHART_KINDS[t.key])}
        for t in composition.tables if t.key in CHART_KINDS
    ]  # fmt: skip
    minorities = next(t for t in composition.tables if t.key == "minorities")
    return render(request, "org/composition.html", {
        "page_title": _("Composition of deputies"), "term": term, "composition": composition, "charts": charts,
        "minorities": minorities, "on": on,
    })  # fmt: skip
