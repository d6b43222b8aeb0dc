"""Pages of budget supervision. Views parse, check permission, call one service or selector and
render; the figures come from ``selectors`` and every table exports to Excel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renda.budget import charts, forms, reports, selectors, services
from renda.budget.alert_rules import RULES
from renda.budget.importer import FIELDS
from renda.budget.models import Alert, AlertRule, AlertStatus, PaymentImport, Severity
from renda.core.exports import xlsx_response
from renda.core.lists import Column, Filter, ListPage
from renda.core.models import User
from renda.core.permissions import permission_required
from renda.core.rule_settings import REGISTRY, setting_value
from renda.core.templatetags.renda import money, percent


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _congress(request: HttpRequest) -> Any:
    congress = selectors.budget_congress(user=_user(request), congress_id=request.GET.get("congress"))
    if congress is None:
        raise PermissionDenied
    return congress


def _year(request: HttpRequest, congress: Any) -> int:
    try:
        return int(request.GET.get("year") or selectors.default_year(congress))
    except ValueError:
        return selectors.default_year(congress)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _base_context(request: HttpRequest, congress: Any, year: int, title: str) -> dict[str, Any]:
    return {
        "page_title": title,
        "congress": congress,
        "year": year,
        "years": selectors.years_of(congress) or [year],
        "congresses": selectors.congress_choices(user=_user(request)),
    }


# --- dashboard ------------------------------------------------------------------------------------------
@permission_required("budget.view_budget")
def dashboard(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    data = selectors.dashboard(congress=congress, year=year)
    context = _base_context(request, congress, year, _("Budget supervision"))
    context.update(
        {
            "d": data,
            "chart_units": charts.execution_bars(data["by_unit"], data["progress"]),
            "chart_functions": charts.execution_bars(data["by_function"], data["progress"]),
            "chart_monthly": charts.monthly_line(data["monthly"]),
            "chart_three_public": charts.three_public_bars(data["three_public"], year),
            "chart_payees": charts.ranking_bars(
                [(n, s) for n, s, _c in data["payees"]], _("Paid (10k yuan)"), True
            ),
            "chart_alert_rules": charts.ranking_bars(data["alerts_by_rule"], _("Alerts")),
            "chart_alert_units": charts.ranking_bars(data["alerts_by_unit"], _("Alerts")),
        }
    )
    return render(request, "budget/dashboard.html", context)


# --- drill-down -----------------------------------------------------------------------------------------
LEVEL_LABELS = {
    "unit": gettext_lazy("Budget unit"),
    "function": gettext_lazy("Function code"),
    "economic": gettext_lazy("Economic code"),
    "project": gettext_lazy("Project"),
}


@permission_required("budget.view_budget")
def drilldown(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    filters = {lvl: request.GET[lvl] for lvl in selectors.LEVEL_COLUMN if lvl in request.GET}
    level = next((lvl for lvl in selectors.LEVELS if lvl not in filters), "payments")
    if level == "payments":
        return redirect(f"{reverse('budget:payments')}?{request.GET.urlencode()}")
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    rows = selectors.drilldown(
        congress=congress, year=year, level=level, filters=filters, date_from=date_from, date_to=date_to
    )
    headers = [
        LEVEL_LABELS[level],
        _("Budget"),
        _("Adjusted budget"),
        _("Paid"),
        _("Execution rate"),
        _("Payments"),
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"budget-{level}-{year}.xlsx",
            str(LEVEL_LABELS[level]),
            headers,
            ([r.label, r.budget, r.adjusted, r.paid, r.rate, r.count] for r in rows),
        )
    crumbs = []
    query = {"congress": str(congress.pk), "year": str(year)}
    for key in ("from", "to"):
        if request.GET.get(key):
            query[key] = request.GET[key]
    for lvl in selectors.LEVEL_COLUMN:
        if lvl in filters:
            crumbs.append((LEVEL_LABELS[lvl], filters[lvl] or _("Basic expenditure"), dict(query)))
            query[lvl] = filters[lvl]
    context = _base_context(request, congress, year, _("Budget execution drill-down"))
    total_adjusted = sum((r.adjusted for r in rows), start=0)
    total_paid = sum((r.paid for r in rows), start=0)
    context.update(
        {
            "level": level,
            "level_label": LEVEL_LABELS[level],
            "rows": rows,
            "headers": headers,
            "crumbs": crumbs,
            "next_query": query,
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
            "total_budget": sum((r.budget for r in rows), start=0),
            "total_adjusted": total_adjusted,
            "total_paid": total_paid,
            "total_rate": (total_paid / total_adjusted) if total_adjusted else None,
            "total_count": sum(r.count for r in rows),
        }
    )
    return render(request, "budget/drilldown.html", context)


# --- payments -------------------------------------------------------------------------------------------
PAYMENT_HEADERS = (
    gettext_lazy("Voucher number"),
    gettext_lazy("Payment date"),
    gettext_lazy("Budget unit"),
    gettext_lazy("Function code"),
    gettext_lazy("Economic code"),
    gettext_lazy("Project code"),
    gettext_lazy("Payee"),
    gettext_lazy("Payee account kind"),
    gettext_lazy("Amount (yuan)"),
    gettext_lazy("Purpose"),
    gettext_lazy("Payment way"),
    gettext_lazy("Fund source"),
)


@permission_required("budget.view_budget")
def payments(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    filters = {
        k: request.GET[k]
        for k in selectors.PAYMENT_FILTERS
        if k in request.GET and (request.GET[k] or k == "project")
    }
    if request.GET.get("export") == "xlsx":
        rows = selectors.payment_export_rows(congress=congress, year=year, filters=filters)
        return xlsx_response(f"payments-{year}.xlsx", _("Payments"), [str(h) for h in PAYMENT_HEADERS], rows)
    page, cursor = selectors.payment_search(
        congress=congress, year=year, filters=filters, after=request.GET.get("after", "")
    )
    context = _base_context(request, congress, year, _("Payments"))
    context.update(
        {
            "rows": page,
            "next_cursor": cursor,
            "filters": filters,
            "headers": PAYMENT_HEADERS,
            "is_first": not request.GET.get("after"),
        }
    )
    return render(request, "budget/payments.html", context)


# --- imports --------------------------------------------------------------------------------------------
class ImportListPage(ListPage):
    permission = "budget.manage_budget"
    title = gettext_lazy("Payment imports")
    export_name = "budget-imports"
    template_name = "budget/import_list.html"
    empty_hint = gettext_lazy(
        "No imports yet. Upload a treasury payment file exported from the finance system."
    )
    columns = (
        Column(
            gettext_lazy("File name"),
            "file_name",
            link=lambda i: reverse("budget:import_detail", args=[i.pk]),
        ),
        Column(gettext_lazy("Congress"), "congress.name"),
        Column(gettext_lazy("Source"), "source.name"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Rows"), "rows_total"),
        Column(gettext_lazy("Rows added"), "rows_added"),
        Column(gettext_lazy("Rows already imported"), "rows_skipped"),
        Column(gettext_lazy("Bad rows"), "error_count"),
        Column(gettext_lazy("Uploaded at"), "created_at", fmt="datetime"),
    )

    def queryset(self) -> QuerySet[PaymentImport]:
        return selectors.import_list(user=cast(User, self.request.user))

    def response(self) -> HttpResponse:
        if self.request.method == "POST":
            return _upload(self.request)
        return super().response()


import_list = ImportListPage.as_view()


def _upload(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    if not request.user.has_perm("budget.manage_budget", congress):
        raise PermissionDenied
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please choose a file."))
        return redirect("budget:imports")
    upload = form.cleaned_data["file"]
    try:
        pi = services.payment_import_upload(
            actor=_user(request),
            congress=congress,
            file_name=upload.name,
            chunks=upload.chunks(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("budget:imports")
    return redirect("budget:import_detail", pk=pi.pk)


def _import_object(request: HttpRequest, pk: int) -> PaymentImport:
    return get_object_or_404(PaymentImport, pk=pk)


@permission_required("budget.manage_budget", get_object=_import_object)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pi: PaymentImport = request.renda_object  # type: ignore[attr-defined]
    saved = pi.source.mapping if pi.source else None
    if pi.status == "uploaded" and saved is None:
        from renda.budget.models import ImportSource

        last = ImportSource.objects.filter(congress=pi.congress).order_by("-id").first()
        saved = last.mapping if last else None
    from renda.budget.importer import guess_mapping

    form = forms.MappingForm(
        request.POST or None, headers=pi.headers, initial_mapping=guess_mapping(pi.headers, saved)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_import_start(
                actor=_user(request),
                payment_import=pi,
                source_name=form.cleaned_data["source"],
                mapping=form.mapping(),
            )
            return redirect("budget:import_detail", pk=pi.pk)
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"import-{pi.pk}-errors.xlsx", _("Bad rows"), [_("Line"), _("Reason")], pi.errors
        )
    return render(
        request,
        "budget/import_detail.html",
        {
            "page_title": _("Payment import"),
            "pi": pi,
            "form": form,
            "fields": FIELDS,
            "errors_shown": pi.errors[:500],
        },
    )


@permission_required("budget.manage_budget", get_object=_import_object)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    pi: PaymentImport = request.renda_object  # type: ignore[attr-defined]
    response = render(request, "budget/_import_progress.html", {"pi": pi})
    if pi.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the result (errors or alerts) in full
    return response


# --- alerts ---------------------------------------------------------------------------------------------
def _rule_choices(request: HttpRequest) -> list[tuple[Any, Any]]:
    return [(r.code, r.name) for r in AlertRule.objects.all()]


class AlertListPage(ListPage):
    permission = "budget.view_budget"
    title = gettext_lazy("Budget alerts")
    export_name = "budget-alerts"
    empty_hint = gettext_lazy(
        "No alerts. Rules run after every import; you can also run them on the rule page."
    )
    columns = (
        Column(gettext_lazy("Summary"), "title", link=lambda a: reverse("budget:alert_detail", args=[a.pk])),
        Column(gettext_lazy("Rule"), "rule.name"),
        Column(gettext_lazy("Severity"), "get_severity_display"),
        Column(gettext_lazy("Budget unit"), "unit.name"),
        Column(gettext_lazy("Amount"), "amount", fmt="money"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Explanation due"), "due_date", fmt="date"),
        Column(gettext_lazy("Raised at"), "first_seen_at", fmt="datetime"),
    )
    filters: ClassVar[Sequence[Filter]] = (
        Filter(
            "status", gettext_lazy("Status"), lambda qs, v: qs.filter(status=v), lambda r: AlertStatus.choices
        ),
        Filter("rule", gettext_lazy("Rule"), lambda qs, v: qs.filter(rule__code=v), _rule_choices),
        Filter(
            "severity",
            gettext_lazy("Severity"),
            lambda qs, v: qs.filter(severity=v),
            lambda r: Severity.choices,
        ),
        Filter("q", gettext_lazy("Budget unit"), lambda qs, v: qs.filter(unit__name__icontains=v)),
    )

    def queryset(self) -> QuerySet[Alert]:
        return selectors.alert_list(user=cast(User, self.request.user))


alert_list = AlertListPage.as_view()


class OverdueListPage(AlertListPage):
    title = gettext_lazy("Overdue explanations")
    export_name = "budget-overdue"
    empty_hint = gettext_lazy("No explanation is overdue.")
    filters = ()

    def queryset(self) -> QuerySet[Alert]:
        return selectors.overdue_alerts(user=cast(User, self.request.user))


overdue_list = OverdueListPage.as_view()


def _alert_object(request: HttpRequest, pk: int, **_kwargs: Any) -> Alert:
    return get_object_or_404(Alert.objects.select_related("rule", "unit", "congress"), pk=pk)


@permission_required("budget.view_budget", get_object=_alert_object)
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert: Alert = request.renda_object  # type: ignore[attr-defined]
    spec = next((r for r in RULES if r.code == alert.rule.code), None)
    records = selectors.payments_by_vouchers(congress=alert.congress, vouchers=alert.records)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"alert-{alert.pk}.xlsx",
            alert.rule.name,
            [str(h) for h in PAYMENT_HEADERS],
            (
                [
                    r[c]
                    for c in (
                        "voucher_no",
                        "pay_date",
                        "unit_code",
                        "function_code",
                        "economic_code",
                        "project_code",
                        "payee_name",
                        "payee_account_kind",
                        "amount",
                        "purpose",
                        "pay_way",
                        "fund_source",
                    )
                ]
                for r in records
            ),
        )
    return render(
        request,
        "budget/alert_detail.html",
        {
            "page_title": alert.rule.name,
            "alert": alert,
            "spec": spec,
            "records": records,
            "can_manage": request.user.has_perm("budget.manage_budget", alert),
            "dismiss_form": forms.DismissForm(),
            "request_form": forms.RequestForm(),
            "answer_form": forms.AnswerForm(),
            "close_form": forms.CloseForm(),
            "object_type": "budget.alert",
            "thresholds": [
                (REGISTRY[s["key"]].label if s["key"] in REGISTRY else s["key"], s)
                for s in alert.settings_used
            ],
        },
    )


ALERT_ACTIONS: dict[str, tuple[type[forms.StyledForm], Callable[..., Alert]]] = {
    "dismiss": (forms.DismissForm, services.alert_dismiss),
    "request": (forms.RequestForm, services.alert_request_explanation),
    "answer": (forms.AnswerForm, services.alert_answer),
    "close": (forms.CloseForm, services.alert_close),
}


@require_POST
@permission_required("budget.manage_budget", get_object=_alert_object)
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert: Alert = request.renda_object  # type: ignore[attr-defined]
    if action not in ALERT_ACTIONS:
        raise Http404
    form_class, service = ALERT_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please fill in every field."))
    else:
        try:
            service(actor=_user(request), alert=alert, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("budget:alert_detail", pk=alert.pk)


# --- rule library ---------------------------------------------------------------------------------------
@permission_required("budget.view_budget")
def rule_library(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    rules = [(spec, [(p, setting_value(congress, p.key)) for p in spec.params]) for spec in RULES]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "budget-rules.xlsx",
            _("Alert rules"),
            [_("Rule"), _("Description"), _("Thresholds"), _("Source")],
            (
                [str(s.name), str(s.description), "；".join(f"{p.label}：{v.value}" for p, v in ps), s.source]
                for s, ps in rules
            ),
        )
    context = _base_context(request, congress, year, _("Alert rules"))
    context.update(
        {
            "rules": rules,
            "form": forms.RunRulesForm(initial={"year": year}),
            "can_manage": request.user.has_perm("budget.manage_budget", congress),
            "runs": selectors.rule_runs(congress=congress)[:5],
        }
    )
    return render(request, "budget/rules.html", context)


@require_POST
@permission_required("budget.manage_budget")
def rules_run(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    if not request.user.has_perm("budget.manage_budget", congress):
        raise PermissionDenied
    form = forms.RunRulesForm(request.POST)
    if form.is_valid():
        try:
            run = services.rules_run(
                actor=_user(request),
                congress=congress,
                year=form.cleaned_data["year"],
                as_of=form.cleaned_data["as_of"],
            )
            messages.success(
                request, _("Rules run: %(new)s new alerts.") % {"new": sum(run.created.values())}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Please enter a year."))
    return redirect(f"{reverse('budget:rules')}?congress={congress.pk}")


# --- deputies and reports -------------------------------------------------------------------------------
@permission_required("budget.view_summary")
def summary(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    data = selectors.dashboard(congress=congress, year=year)
    context = _base_context(request, congress, year, _("The budget in plain words"))
    context.update(
        {
            "d": data,
            "answered": selectors.alerts_answered(congress=congress, year=year),
            "chart_pie": charts.spending_pie(data["by_function"]),
            "chart_units": charts.execution_bars(data["by_unit"], data["progress"], limit=10),
            "rate_text": percent(data["rate"]),
            "paid_text": money(data["paid"]),
        }
    )
    return render(request, "budget/summary.html", context)


@permission_required("budget.view_budget")
def monthly_report(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    year = _year(request, congress)
    today = timezone.localdate()
    try:
        month = int(request.GET.get("month") or (today.month if today.year == year else 12))
    except ValueError:
        month = 12
    return reports.monthly_report_response(congress=congress, year=year, month=max(1, min(12, month)))
