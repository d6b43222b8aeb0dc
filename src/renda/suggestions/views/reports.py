"""Metrics, unit assessment, batch assignment with notices, Word letters, supervision rounds and
the Excel import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.documents import DOCX_CONTENT_TYPE
from renda.core.exports import XLSX_CONTENT_TYPE, attachment, xlsx_bytes
from renda.core.models import Congress
from renda.core.permissions import check, permission_required
from renda.core.scope import home_congress, visible_congresses
from renda.org.models import HandlingUnit
from renda.suggestions import documents, metrics, selectors, services
from renda.suggestions.models import (
    AssessmentWeights,
    Assignment,
    Field,
    Reply,
    RoundVisit,
    Status,
    Suggestion,
)
from renda.suggestions.search import suggest_lead_units
from renda.suggestions.services.imports import HEADERS
from renda.suggestions.services.supervision import WEIGHT_KEYS
from renda.suggestions.views.common import actor_of, get_round, get_suggestion, parse_date, run

RATE_KEYS = metrics.RATE_KEYS


def _pct(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


def _congress(request: HttpRequest) -> Congress:
    visible = {c.pk: c for c in visible_congresses(request.user)}
    raw = request.GET.get("congress") or request.POST.get("congress") or ""
    if raw.isdigit() and int(raw) in visible:
        return visible[int(raw)]
    home = home_congress(request.user)
    if home is None or home.pk not in visible:
        raise Http404
    return home


def _year(request: HttpRequest, default: int | None) -> int | None:
    raw = request.GET.get("year", "")
    if raw == "all":
        return None
    return int(raw) if raw.isdigit() else default


def _chart(result: metrics.MetricsResult) -> dict[str, Any]:
    names = [str(d.name) for d in result.definitions if d.key in RATE_KEYS]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": names, "bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 64, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [r.label for r in result.rows],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": [round((r.rates.get(key) or 0) * 100, 1) for r in result.rows],
            }
            for name, key in zip(names, RATE_KEYS, strict=True)
        ],
    }


@permission_required("suggestions.view_metrics")
def metrics_page(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    check(request, "suggestions.view_metrics", congress)
    today = timezone.localdate()
    year = _year(request, today.year)
    group_by = request.GET.get("by", "unit")
    if group_by not in metrics.DIMENSIONS:
        group_by = "unit"
    ids = [c.pk for c in visible_congresses(request.user) if c.path.startswith(congress.path)]
    if group_by != "congress":
        ids = [congress.pk]
    unit_raw, field_value = request.GET.get("unit", ""), request.GET.get("field", "")
    result = metrics.compute(
        congress_ids=ids,
        congress=congress,
        year=year,
        group_by=group_by,
        today=today,
        unit_id=int(unit_raw) if unit_raw.isdigit() else None,
        field_value=field_value if field_value in Field.values else "",
    )
    if request.GET.get("export") == "xlsx":
        headers = [
            str(metrics.DIMENSIONS[group_by][1]),
            "件数",
            "已交办",
            "已答复",
            "按期答复",
            "A类",
            "已测评",
            "满意",
            "基本满意",
            "已沟通",
            "已办结",
            "平均答复天数",
        ] + [str(d.name) for d in result.definitions if d.key in RATE_KEYS]
        rows = [
            [
                r.label,
                r.count,
                r.assigned,
                r.replied,
                r.replied_in_limit,
                r.class_a,
                r.rated,
                r.satisfied,
                r.basically,
                r.contacted,
                r.closed,
                round(r.avg_days, 1) if r.avg_days is not None else "",
            ]
            + [_pct(r.rates[k]) for k in RATE_KEYS]
            for r in [*result.rows, result.total]
        ]
        definitions = [[str(d.name), str(d.formula), str(d.setting or "")] for d in result.definitions]
        content = xlsx_bytes(
            [("办理情况统计", headers, rows), ("指标口径", ["指标", "公式", "设置"], definitions)]
        )
        return attachment(content, f"suggestion-metrics-{year or 'all'}.xlsx", XLSX_CONTENT_TYPE)
    return render(
        request,
        "suggestions/metrics.html",
        {
            "page_title": _("Handling metrics"),
            "congress": congress,
            "year": year,
            "by": group_by,
            "result": result,
            "cards": [
                (d, result.total.avg_days if d.key == "avg_days" else result.total.rates.get(d.key))
                for d in result.definitions
            ],
            "chart": _chart(result),
            "rate_keys": RATE_KEYS,
            "dimensions": [(k, v[1]) for k, v in metrics.DIMENSIONS.items()],
            "years": list(range(today.year, today.year - 11, -1)),
            "congresses": visible_congresses(request.user),
            "fields": Field.choices,
            "units": HandlingUnit.objects.filter(congress=congress).select_related("organ"),
            "unit": unit_raw,
            "field": field_value,
        },
    )


def _weights(congress: Congress) -> dict[str, int]:
    row = AssessmentWeights.objects.filter(congress=congress).first() or AssessmentWeights()
    return {k: getattr(row, k) for k in WEIGHT_KEYS}


@permission_required("suggestions.view_metrics")
def assessment(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    check(request, "suggestions.view_metrics", congress)
    today = timezone.localdate()
    if request.method == "POST":
        check(request, "suggestions.manage", congress)
        return run(
            request,
            lambda: services.assessment_weights_set(
                actor=actor_of(request),
                congress=congress,
                weights=dict(request.POST.items()),
            ),
            _("Weights saved."),
            f"{request.path}?congress={congress.pk}",
        )
    year = _year(request, today.year) or today.year
    weights = _weights(congress)
    scores = metrics.unit_assessment(congress=congress, year=year, weights=weights, today=today)
    if request.GET.get("export") == "xlsx":
        headers = ["承办单位", "件数", "按期答复率", "沟通率", "答复类别得分", "满意率", "无需重办率", "总分"]
        rows = [
            [u.unit.organ.name, u.row.count] + [_pct(u.parts[k]) for k in WEIGHT_KEYS] + [u.score]
            for u in scores
        ]
        weight_rows = [[k, v] for k, v in weights.items()]
        return attachment(
            xlsx_bytes([("绩效考核", headers, rows), ("权重", ["项目", "权重"], weight_rows)]),
            f"unit-assessment-{year}.xlsx",
            XLSX_CONTENT_TYPE,
        )
    return render(
        request,
        "suggestions/assessment.html",
        {
            "page_title": _("Unit assessment"),
            "congress": congress,
            "year": year,
            "weights": weights,
            "scores": scores,
            "keys": WEIGHT_KEYS,
            "years": list(range(today.year, today.year - 11, -1)),
            "can_manage": request.user.has_perm("suggestions.manage", congress),
            "congresses": visible_congresses(request.user),
        },
    )


@permission_required("suggestions.manage")
def batch(request: HttpRequest) -> HttpResponse:
    """交办会: staff pick many reviewed suggestions, each with its lead unit, and assign them at once."""
    queue = list(selectors.review_queue(user=actor_of(request)).filter(status=Status.REVIEWED)[:200])
    units = {
        u.pk: u
        for u in HandlingUnit.objects.filter(
            congress_id__in=[s.congress_id for s in queue], is_active=True
        ).select_related("organ")
    }
    if request.method == "POST":
        plans = []
        for s in queue:
            if str(s.pk) not in request.POST.getlist("pick"):
                continue
            lead = units.get(int(request.POST.get(f"lead_{s.pk}") or 0))
            if lead is None:
                messages.error(request, _("Please choose the lead unit for %(t)s.") % {"t": s.title})
                return redirect("suggestions:batch")
            co = [
                units[int(i)] for i in request.POST.getlist(f"co_{s.pk}") if i.isdigit() and int(i) in units
            ]
            plans.append(services.AssignPlan(s, lead, co, request.POST.get(f"hard_{s.pk}") == "1"))
        try:
            done = services.suggestion_assign_batch(actor=actor_of(request), plans=plans)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("suggestions:batch")
        messages.success(
            request, _("%(n)s suggestions assigned. Download the notices below.") % {"n": len(done)}
        )
        return redirect(f"{request.path}?day={timezone.localdate().isoformat()}")
    day = parse_date(request.GET.get("day")) or timezone.localdate()
    assigned_today = (
        Assignment.objects.filter(
            assigned_on=day,
            is_active=True,
            suggestion__congress_id__in=[c.pk for c in visible_congresses(request.user)],
        )
        .values_list("unit_id", "unit__organ__name")
        .distinct()
    )
    proposals = {s.pk: suggest_lead_units(suggestion=s) for s in queue[:50]}
    return render(
        request,
        "suggestions/batch.html",
        {
            "page_title": _("Batch assignment"),
            "queue": [(s, proposals.get(s.pk, [])) for s in queue],
            "units": list(units.values()),
            "day": day,
            "notice_units": sorted(set(assigned_today), key=lambda u: u[1]),
        },
    )


@permission_required("suggestions.manage")
def notice(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(HandlingUnit.objects.select_related("organ", "congress"), pk=unit_id)
    check(request, "suggestions.manage", unit)
    day = parse_date(request.GET.get("day")) or timezone.localdate()
    rows = list(
        Assignment.objects.filter(unit=unit, assigned_on=day, is_active=True)
        .select_related("suggestion__submitter")
        .order_by("suggestion__number")
    )
    if not rows:
        raise Http404
    content = documents.assignment_notice(congress=unit.congress, unit=unit, assignments=rows, day=day)
    return attachment(content, f"交办通知-{unit.organ.name}-{day.isoformat()}.docx", DOCX_CONTENT_TYPE)


@permission_required("suggestions.view", get_object=get_suggestion)
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    s: Suggestion = request.renda_object  # type: ignore[attr-defined]
    round_ = int(request.GET.get("round") or 0)
    qs = (
        Reply.objects.filter(suggestion=s)
        .select_related("unit__organ", "suggestion__submitter", "suggestion__congress")
        .order_by("-round")
    )
    reply = (qs.filter(round=round_) if round_ else qs).first()
    if reply is None:
        raise Http404
    return attachment(
        documents.reply_letter(reply), f"答复-{s.code or s.pk}-{reply.round}.docx", DOCX_CONTENT_TYPE
    )


@permission_required("suggestions.manage")
def round_new(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    units = list(HandlingUnit.objects.filter(congress=congress, is_active=True).select_related("organ"))
    if request.method == "POST":
        chosen = [u for u in units if str(u.pk) in request.POST.getlist("units")]
        try:
            rnd = services.supervision_round_create(
                actor=actor_of(request),
                congress=congress,
                title=request.POST.get("title", ""),
                planned_on=parse_date(request.POST.get("planned_on")),
                leader=request.POST.get("leader", ""),
                units=chosen,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("suggestions:round_detail", pk=rnd.pk)
    open_counts = dict(
        Suggestion.objects.filter(congress=congress, status__in=[Status.ASSIGNED, Status.REHANDLING])
        .order_by()
        .values_list("lead_unit_id")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "suggestions/round_new.html",
        {
            "page_title": _("Plan a supervision round"),
            "congress": congress,
            "units": [(u, open_counts.get(u.pk, 0)) for u in units],
            "data": request.POST,
        },
    )


@permission_required("suggestions.view_round", get_object=get_round)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = request.renda_object  # type: ignore[attr-defined]
    if request.method == "POST":
        check(request, "suggestions.manage", rnd)
        visit = get_object_or_404(RoundVisit, pk=request.POST.get("visit") or 0, round=rnd)
        return run(
            request,
            lambda: services.round_visit_record(
                actor=actor_of(request),
                visit=visit,
                progress=request.POST.get("progress", ""),
                follow_ups=request.POST.get("follow_ups", ""),
            ),
            _("Visit recorded."),
            request.path,
        )
    return render(
        request,
        "suggestions/round_detail.html",
        {
            "page_title": rnd.title,
            "rnd": rnd,
            "visits": selectors.round_detail(rnd=rnd),
            "can_manage": request.user.has_perm("suggestions.manage", rnd),
        },
    )


@permission_required("suggestions.view_round", get_object=get_round)
def round_report(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = request.renda_object  # type: ignore[attr-defined]
    content = documents.round_report(rnd, selectors.round_detail(rnd=rnd))
    return attachment(content, f"巡回督办报告-{rnd.planned_on.isoformat()}.docx", DOCX_CONTENT_TYPE)


@permission_required("suggestions.manage")
def import_page(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Please choose an Excel file.")]
        else:
            try:
                result = services.suggestions_import(
                    actor=actor_of(request), congress=congress, content=upload.read()
                )
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(c)s imported, %(u)s already present.")
                    % {"c": result.created, "u": result.unchanged},
                )
                return redirect("suggestions:list")
    return render(
        request,
        "suggestions/import.html",
        {
            "page_title": _("Import earlier suggestions"),
            "congress": congress,
            "errors": errors,
            "headers": list(HEADERS),
        },
    )
