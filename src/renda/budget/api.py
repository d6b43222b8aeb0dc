"""JSON API of budget supervision under /api/v1/budget/ (mounted by renda/api.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from renda.budget import selectors, services
from renda.budget.models import Alert
from renda.core.models import Congress
from renda.core.permissions import check

router = Router(tags=["budget"])


class SummaryOut(Schema):
    congress: str
    year: int
    budget: Decimal
    adjusted: Decimal
    paid: Decimal
    execution_rate: float | None
    time_progress: float
    payments: int
    alerts_total: int
    alerts_open: int


class DrillRowOut(Schema):
    key: str
    label: str
    budget: Decimal
    adjusted: Decimal
    paid: Decimal
    execution_rate: float | None
    payments: int


class PaymentOut(Schema):
    voucher_no: str
    pay_date: dt.date
    unit_code: str
    function_code: str
    economic_code: str
    project_code: str
    payee_name: str
    payee_account_kind: str
    amount: Decimal
    purpose: str


class PaymentPageOut(Schema):
    items: list[PaymentOut]
    next: str


class AlertOut(Schema):
    id: int
    rule: str
    rule_name: str
    severity: str
    status: str
    title: str
    amount: Decimal | None
    unit: str | None
    due_date: dt.date | None
    records: list[str]


class RunIn(Schema):
    year: int
    as_of: dt.date | None = None


class DismissIn(Schema):
    reason: str


class RequestIn(Schema):
    recipient: str
    question: str
    due_date: dt.date


class AnswerIn(Schema):
    answer: str


class CloseIn(Schema):
    resolution: str


def _congress(request: HttpRequest, congress: int | None) -> Congress:
    found = selectors.budget_congress(user=request.user, congress_id=congress)  # type: ignore[arg-type]
    if found is None:
        raise PermissionDenied
    return found


def _alert_out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.pk,
        rule=a.rule.code,
        rule_name=a.rule.name,
        severity=a.severity,
        status=a.status,
        title=a.title,
        amount=a.amount,
        unit=a.unit.name if a.unit else None,
        due_date=a.due_date,
        records=a.records,
    )


@router.get("/summary", response=SummaryOut, summary="Budget, paid and alerts of a year")
def summary(request: HttpRequest, year: int | None = None, congress: int | None = None) -> SummaryOut:
    check(request, "budget.view_summary")
    c = _congress(request, congress)
    y = year or selectors.default_year(c)
    d = selectors.dashboard(congress=c, year=y)
    return SummaryOut(
        congress=c.name,
        year=y,
        budget=d["budget"],
        adjusted=d["adjusted"],
        paid=d["paid"],
        execution_rate=d["rate"],
        time_progress=d["progress"],
        payments=d["payments"],
        alerts_total=d["alerts_total"],
        alerts_open=d["alerts_open"],
    )


@router.get("/drilldown", response=list[DrillRowOut], summary="One level of the execution drill-down")
def drilldown(
    request: HttpRequest,
    year: int,
    level: str = "unit",
    congress: int | None = None,
    unit: str | None = None,
    function: str | None = None,
    economic: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[DrillRowOut]:
    check(request, "budget.view_budget")
    if level not in selectors.LEVEL_COLUMN:
        raise HttpError(400, "level must be unit, function, economic or project")
    filters = {
        k: v for k, v in (("unit", unit), ("function", function), ("economic", economic)) if v is not None
    }
    rows = selectors.drilldown(
        congress=_congress(request, congress),
        year=year,
        level=level,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
    )
    return [
        DrillRowOut(
            key=r.key,
            label=r.label,
            budget=r.budget,
            adjusted=r.adjusted,
            paid=r.paid,
            execution_rate=r.rate,
            payments=r.count,
        )
        for r in rows
    ]


@router.get(
    "/payments",
    response=PaymentPageOut,
    summary="Payments by unit, newest first within a unit, with keyset pagination",
)
def payments(
    request: HttpRequest,
    year: int,
    congress: int | None = None,
    payee: str = "",
    purpose: str = "",
    min_amount: str = "",
    max_amount: str = "",
    kind: str = "",
    after: str = "",
    limit: int = 100,
) -> PaymentPageOut:
    check(request, "budget.view_budget")
    filters = {
        k: v
        for k, v in (
            ("payee", payee),
            ("purpose", purpose),
            ("min", min_amount),
            ("max", max_amount),
            ("kind", kind),
        )
        if v
    }
    rows, cursor = selectors.payment_search(
        congress=_congress(request, congress),
        year=year,
        filters=filters,
        after=after,
        limit=max(1, min(limit, 1000)),
    )
    return PaymentPageOut(
        items=[PaymentOut(**{k: r[k] for k in PaymentOut.model_fields}) for r in rows], next=cursor
    )


@router.get("/alerts", response=list[AlertOut], summary="Alerts the user may see")
def alerts(request: HttpRequest, status: str = "", rule: str = "", limit: int = 200) -> list[AlertOut]:
    check(request, "budget.view_budget")
    qs = selectors.alert_list(user=request.user)  # type: ignore[arg-type]
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule__code=rule)
    return [_alert_out(a) for a in qs[: max(1, min(limit, 1000))]]


@router.post("/rules/run", response=dict[str, int], summary="Run every rule now")
def run_rules(request: HttpRequest, payload: RunIn, congress: int | None = None) -> dict[str, int]:
    c = _congress(request, congress)
    check(request, "budget.manage_budget", c)
    try:
        run = services.rules_run(actor=request.user, congress=c, year=payload.year, as_of=payload.as_of)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    return dict(run.created)


def _act(request: HttpRequest, pk: int, action: str, **data: object) -> AlertOut:
    alert = get_object_or_404(Alert.objects.select_related("rule", "unit", "congress"), pk=pk)
    check(request, "budget.manage_budget", alert)
    service = {
        "dismiss": services.alert_dismiss,
        "request": services.alert_request_explanation,
        "answer": services.alert_answer,
        "close": services.alert_close,
    }[action]
    try:
        alert = service(actor=request.user, alert=alert, **data)  # type: ignore[operator]
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    return _alert_out(alert)


@router.post("/alerts/{pk}/dismiss", response=AlertOut)
def alert_dismiss(request: HttpRequest, pk: int, payload: DismissIn) -> AlertOut:
    return _act(request, pk, "dismiss", reason=payload.reason)


@router.post("/alerts/{pk}/request", response=AlertOut)
def alert_request(request: HttpRequest, pk: int, payload: RequestIn) -> AlertOut:
    return _act(
        request,
        pk,
        "request",
        recipient=payload.recipient,
        question=payload.question,
        due_date=payload.due_date,
    )


@router.post("/alerts/{pk}/answer", response=AlertOut)
def alert_answer(request: HttpRequest, pk: int, payload: AnswerIn) -> AlertOut:
    return _act(request, pk, "answer", answer=payload.answer)


@router.post("/alerts/{pk}/close", response=AlertOut)
def alert_close(request: HttpRequest, pk: int, payload: CloseIn) -> AlertOut:
    return _act(request, pk, "close", resolution=payload.resolution)
