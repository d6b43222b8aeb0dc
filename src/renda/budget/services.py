"""Every state change of the budget app. Each function runs in one transaction, locks what it
starts from, and appends one audit event."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.budget import engine, importer, store
from renda.budget.alert_rules import RULES, RULES_BY_CODE, RuleSpec
from renda.budget.classification import classification
from renda.budget.models import (
    Alert,
    AlertRule,
    AlertStatus,
    BudgetAdjustment,
    BudgetLine,
    BudgetUnit,
    ImportSource,
    ImportStatus,
    PaymentImport,
    PaymentStore,
    RuleRun,
    RuleTrigger,
)
from renda.core.audit import audit_log
from renda.core.models import CalendarDay, Congress, User
from renda.core.rule_settings import setting_value
from renda.core.templatetags.renda import cn_date, money, percent


# --- units and lines ----------------------------------------------------------------------------------
def budget_unit_create(
    *, actor: User | None, congress: Congress, code: str, name: str, department: BudgetUnit | None = None
) -> BudgetUnit:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("A budget unit needs a code and a name."))
    if department is not None and department.congress_id != congress.pk:
        raise ValidationError(_("The department belongs to another congress."))
    with transaction.atomic():
        if BudgetUnit.objects.filter(congress=congress, code=code).exists():
            raise ValidationError(_("Unit code %(code)s is already used.") % {"code": code})
        unit = BudgetUnit.objects.create(congress=congress, code=code, name=name, department=department)
        audit_log(
            actor=actor,
            action="budget.unit_create",
            congress=congress,
            obj=unit,
            payload={"code": code, "name": name},
        )
    return unit


def _check_codes(year: int, function_code: str, economic_code: str) -> None:
    cls = classification()
    if not cls.applies_to(year):
        raise ValidationError(_("The classification file does not cover %(year)s.") % {"year": year})
    if function_code not in cls.function_items:
        raise ValidationError(_("Unknown function code %(code)s.") % {"code": function_code})
    if economic_code not in cls.economic_items:
        raise ValidationError(_("Unknown economic code %(code)s.") % {"code": economic_code})


def budget_line_create(
    *,
    actor: User | None,
    unit: BudgetUnit,
    year: int,
    function_code: str,
    economic_code: str,
    amount: Decimal,
    approved_on: dt.date,
    project_code: str = "",
    project_name: str = "",
    fund_source: str = "",
    is_special_fund: bool = False,
) -> BudgetLine:
    _check_codes(year, function_code, economic_code)
    if amount < 0:
        raise ValidationError(_("A budget amount cannot be negative."))
    with transaction.atomic():
        if BudgetLine.objects.filter(
            congress_id=unit.congress_id,
            year=year,
            unit=unit,
            function_code=function_code,
            economic_code=economic_code,
            project_code=project_code,
        ).exists():
            raise ValidationError(_("This budget line already exists."))
        line = BudgetLine.objects.create(
            congress_id=unit.congress_id,
            year=year,
            unit=unit,
            function_code=function_code,
            economic_code=economic_code,
            project_code=project_code,
            project_name=project_name,
            fund_source=fund_source,
            initial_amount=amount,
            adjusted_amount=amount,
            is_special_fund=is_special_fund,
            approved_on=approved_on,
        )
        audit_log(
            actor=actor,
            action="budget.line_create",
            congress=unit.congress,
            obj=line,
            payload={
                "year": year,
                "unit": unit.code,
                "function": function_code,
                "economic": economic_code,
                "project": project_code,
                "amount": amount,
            },
        )
    return line


def budget_line_adjust(
    *, actor: User | None, line: BudgetLine, amount: Decimal, adjusted_on: dt.date, reason: str
) -> BudgetAdjustment:
    if not reason.strip():
        raise ValidationError(_("Please give the reason for the adjustment."))
    with transaction.atomic():
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if locked.adjusted_amount + amount < 0:
            raise ValidationError(_("The adjustment would make the budget negative."))
        adjustment = BudgetAdjustment.objects.create(
            line=locked, amount=amount, adjusted_on=adjusted_on, reason=reason.strip(), created_by=actor
        )
        BudgetLine.objects.filter(pk=locked.pk).update(adjusted_amount=F("adjusted_amount") + amount)
        audit_log(
            actor=actor,
            action="budget.line_adjust",
            congress=locked.congress,
            obj=locked,
            payload={"amount": amount, "on": adjusted_on, "reason": reason.strip()},
        )
    line.refresh_from_db()
    return adjustment


def generated_county_load(*, actor: User | None, congress: Congress, county: Any) -> dict[str, int]:
    """Create the units and budget lines of a ``generator.GeneratedCounty`` whose payments are
    already in the store (tests, demo, benchmark)."""
    with transaction.atomic():
        units: dict[str, BudgetUnit] = {}
        for u in county.units:
            if u.department is None:
                units[u.code] = BudgetUnit.objects.create(congress=congress, code=u.code, name=u.name)
        BudgetUnit.objects.bulk_create(
            [
                BudgetUnit(congress=congress, code=u.code, name=u.name, department=units[u.department])
                for u in county.units
                if u.department is not None
            ]
        )
        units = {u.code: u for u in BudgetUnit.objects.filter(congress=congress)}
        lines = [
            BudgetLine(
                congress=congress,
                year=ln.year,
                unit=units[ln.unit_code],
                function_code=ln.function_code,
                economic_code=ln.economic_code,
                project_code=ln.project_code,
                project_name=ln.project_name,
                fund_source=ln.fund_source,
                initial_amount=ln.initial_amount,
                adjusted_amount=ln.adjusted_amount,
                is_special_fund=ln.is_special,
                approved_on=ln.approved_on,
            )
            for ln in [*county.lines, *county.prev_lines]
        ]
        BudgetLine.objects.bulk_create(lines, batch_size=1000)
        by_key = {
            (b.year, b.unit.code, b.function_code, b.economic_code, b.project_code): b
            for b in BudgetLine.objects.filter(congress=congress).select_related("unit")
        }
        BudgetAdjustment.objects.bulk_create(
            [
                BudgetAdjustment(
                    line=by_key[(ln.year, ln.unit_code, ln.function_code, ln.economic_code, ln.project_code)],
                    amount=ln.adjusted_amount - ln.initial_amount,
                    adjusted_on=ln.adjustment_on,
                    reason="年中预算调整",
                    created_by=actor,
                )
                for ln in county.lines
                if ln.adjustment_on is not None
            ]
        )
        payments = county.payment_count + county.prev_payment_count
        PaymentStore.objects.update_or_create(congress=congress, defaults={"payment_count": payments})
        counts = {"units": len(units), "lines": len(lines), "payments": payments}
        audit_log(actor=actor, action="budget.generated_load", congress=congress, payload=counts)
    return counts


# --- import sources ---------------------------------------------------------------------------------------
def import_source_save(
    *, actor: User, congress: Congress, name: str, mapping: dict[str, str]
) -> ImportSource:
    name = name.strip()
    if not name:
        raise ValidationError(_("Please name the source system."))
    with transaction.atomic():
        source, created = ImportSource.objects.select_for_update().get_or_create(congress=congress, name=name)
        source.mapping = mapping
        source.save(update_fields=["mapping"])
        audit_log(
            actor=actor,
            action="budget.source_save",
            congress=congress,
            obj=source,
            payload={"name": name, "mapping": mapping, "created": created},
        )
    return source


# --- payment imports -----------------------------------------------------------------------------------
logger = logging.getLogger(__name__)
IMPORT_EXTENSIONS = {".csv", ".xlsx", ".xls", ".xlsm", ".ods"}


def payment_import_upload(
    *, actor: User, congress: Congress, file_name: str, chunks: Iterable[bytes]
) -> PaymentImport:
    """Keep the uploaded file and read its header row; the column mapping comes next."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in IMPORT_EXTENSIONS:
        raise ValidationError(_("Please upload a CSV or Excel file."))
    uploads = store.budget_dir() / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    try:
        headers = importer.read_headers(path)
    except importer.ImportFileError as exc:
        path.unlink(missing_ok=True)
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        pi = PaymentImport.objects.create(
            congress=congress,
            file_name=Path(file_name).name[:200],
            stored_path=str(path),
            headers=headers,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="budget.import_upload",
            congress=congress,
            obj=pi,
            payload={"file": pi.file_name, "bytes": path.stat().st_size},
        )
    return pi


def payment_import_start(
    *, actor: User, payment_import: PaymentImport, source_name: str, mapping: dict[str, str]
) -> PaymentImport:
    """Save the column mapping for the source and queue the import."""
    from renda.budget.tasks import payment_import_task

    mapping = {k: v for k, v in mapping.items() if v and k in importer.FIELDS_BY_NAME}
    problems = importer.check_mapping(mapping, payment_import.headers)
    if not source_name.strip():
        problems.append(_("Please name the source system."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        pi = PaymentImport.objects.select_for_update().get(pk=payment_import.pk)
        if pi.status != ImportStatus.UPLOADED:
            raise ValidationError(_("This import has already been started."))
        source, _created = ImportSource.objects.get_or_create(
            congress_id=pi.congress_id, name=source_name.strip()
        )
        source.mapping = mapping
        source.save(update_fields=["mapping"])
        pi.source, pi.mapping, pi.status, pi.phase = source, mapping, ImportStatus.QUEUED, "queued"
        pi.save(update_fields=["source", "mapping", "status", "phase"])
        audit_log(
            actor=actor,
            action="budget.import_start",
            congress=pi.congress,
            obj=pi,
            payload={"source": source.name, "mapping": mapping},
        )
        transaction.on_commit(lambda: payment_import_task.enqueue(pi.pk))
    return pi


def _progress(pi: PaymentImport, **fields: Any) -> None:
    PaymentImport.objects.filter(pk=pi.pk).update(**fields)
    for name, value in fields.items():
        setattr(pi, name, value)


def _import_fail(pi: PaymentImport, message: str, errors: list[list[Any]], error_count: int) -> None:
    with transaction.atomic():
        locked = PaymentImport.objects.select_for_update().get(pk=pi.pk)
        locked.status, locked.phase, locked.progress = ImportStatus.FAILED, "rejected", 100
        locked.message, locked.errors, locked.error_count = message[:300], errors, error_count
        locked.finished_at = timezone.now()
        locked.save()
        audit_log(
            actor=locked.created_by,
            action="budget.import_reject",
            congress=locked.congress,
            obj=locked,
            payload={"bad_rows": error_count, "message": message[:300]},
        )


def payment_import_run(*, import_id: int) -> PaymentImport:
    """The task body: read, check every row, then write the new payments or nothing at all."""
    pi = PaymentImport.objects.select_related("congress").get(pk=import_id)
    if pi.status != ImportStatus.QUEUED:
        return pi  # a redelivered task: the import already ran
    congress = pi.congress
    _progress(pi, status=ImportStatus.RUNNING, phase="reading", progress=5)
    con = store.connect()
    years: list[int] = []
    staged: importer.Staged | None = None
    try:
        path = Path(pi.stored_path)
        _progress(pi, phase="checking", progress=20)
        unit_codes: dict[str, str] = {}
        for code, name in BudgetUnit.objects.filter(congress=congress).values_list("code", "name"):
            unit_codes.setdefault(name, code)
            unit_codes[code] = code
        # read, type, check and sort in one streamed pass into a staged file
        staged = importer.stage_file(
            con, path, pi.mapping, unit_codes=unit_codes, congress_id=congress.pk, import_id=pi.pk
        )
        if staged.problems:
            # read again with line numbers, to say where each bad row is
            importer.load_raw(con, path, pi.mapping, numbered=True)
            importer.validate(con, unit_codes=unit_codes)
            importer.explain(con)
            count_row = store.first_row(con, "SELECT count(*) FROM bad")
            error_count = int(count_row[0]) if count_row else 0
            if not error_count:  # both readings share the checks' SQL, so this cannot happen
                raise RuntimeError("the bulk check found a problem the numbered check did not")
            errors = importer.bad_rows(con, PaymentImport.ERRORS_KEPT)
            _import_fail(
                pi,
                _("%(count)s rows have errors; nothing was imported. Correct them and upload the file again.")
                % {"count": error_count},
                errors,
                error_count,
            )
            return pi
        rows = staged.rows
        _progress(pi, rows_total=rows, progress=60)
        if rows == 0:
            _import_fail(pi, _("The file has no data rows."), [], 0)
            return pi
        _progress(pi, phase="writing", progress=80)
        with transaction.atomic():
            # One writer per congress at a time, so two overlapping files never both add a voucher.
            holder, _created = PaymentStore.objects.select_for_update().get_or_create(congress=congress)
            fresh, skipped, years = importer.store_staged(
                con, staged, congress_id=congress.pk, import_id=pi.pk
            )
            holder.payment_count += fresh
            holder.save(update_fields=["payment_count", "updated_at"])
            locked = PaymentImport.objects.select_for_update().get(pk=pi.pk)
            locked.rows_added, locked.rows_skipped = fresh, skipped
            locked.phase, locked.progress = "rules", 85
            locked.save(update_fields=["rows_added", "rows_skipped", "phase", "progress"])
            audit_log(
                actor=locked.created_by,
                action="budget.import_done",
                congress=congress,
                obj=locked,
                payload={"rows": rows, "added": fresh, "skipped": skipped, "years": years},
            )
        pi = locked
    except importer.ImportFileError as exc:
        _import_fail(pi, str(exc), [], 0)
        return pi
    except Exception as exc:
        logger.exception("payment import %s failed", pi.pk)
        _import_fail(pi, _("The file could not be processed: %(error)s") % {"error": str(exc)[:200]}, [], 0)
        return pi
    finally:
        con.close()
        if staged is not None:
            shutil.rmtree(staged.directory, ignore_errors=True)
    for year in years:
        rules_run(
            actor=pi.created_by, congress=congress, year=year, trigger=RuleTrigger.IMPORT, payment_import=pi
        )
    _progress(pi, status=ImportStatus.DONE, phase="done", progress=100, finished_at=timezone.now())
    return pi


# --- rules and alerts -------------------------------------------------------------------------------------
def alert_rule_rows() -> dict[str, AlertRule]:
    """The AlertRule row of every rule in the library (created the first time they are needed)."""
    rows = {r.code: r for r in AlertRule.objects.all()}
    for spec in RULES:
        if spec.code not in rows:
            rows[spec.code], _created = AlertRule.objects.get_or_create(
                code=spec.code, defaults={"name": str(spec.name), "severity": spec.severity}
            )
    return rows


def rule_values(congress: Congress) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Each rule's threshold values for ``congress`` and the setting records they came from."""
    values: dict[str, dict[str, Any]] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    for spec in RULES:
        values[spec.code], records[spec.code] = {}, []
        for param in spec.params:
            sv = setting_value(congress, param.key)
            values[spec.code][param.name] = sv.value
            records[spec.code].append(sv.as_record())
    return values, records


def lines_for_rules(congress: Congress, year: int) -> Any:
    cls = classification()
    rows = (
        BudgetLine.objects.filter(congress=congress, year=year)
        .order_by("pk")
        .values_list(
            "pk",
            "unit__code",
            "unit__name",
            "function_code",
            "economic_code",
            "project_code",
            "adjusted_amount",
            "is_special_fund",
            "approved_on",
            "initial_amount",
            "project_name",
        )
    )  # plain tuples: pages build this table on every request
    return engine.lines_table(
        (
            pk,
            unit_code,
            fn,
            econ,
            project,
            adjusted,
            special,
            approved_on,
            f"{unit_name} {cls.economic.get(econ, econ)}{' ' + project_name if project_name else ''}",
            initial,
            project_name,
        )
        for pk, unit_code, unit_name, fn, econ, project, adjusted, special, approved_on, initial, project_name in rows
    )


def nonworkdays_of(year: int) -> list[dt.date]:
    exceptions = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
    return engine.nonworkdays(year, exceptions)


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return cn_date(value)
    if name in {"rate", "progress", "share"}:
        return percent(value)
    if isinstance(value, (Decimal, float)) or name in {"amount", "paid", "budget", "prev_paid", "each"}:
        return money(value)
    return str(value)


def alert_title(spec: RuleSpec, finding: engine.Finding, unit_names: dict[str, str]) -> str:
    fields = {k: _fmt(k, v) for k, v in finding.detail.items()}
    fields["amount"] = _fmt("amount", finding.amount)
    fields["record_count"] = str(finding.record_count)
    fields["unit_code"] = unit_names.get(finding.unit_code or "", finding.unit_code or "")
    for key in ("function_code", "economic_code", "project_code"):
        fields.setdefault(key, "")
    try:
        return (str(spec.title) % fields)[:300]
    except (KeyError, ValueError):
        return str(spec.name)


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
        for k, v in detail.items()
    }


def default_as_of(year: int) -> dt.date:
    return min(timezone.localdate(), dt.date(year, 12, 31))


def rules_run_daily(*, today: dt.date | None = None) -> list[RuleRun]:
    """Run every rule over this year's payments of each congress that has any, as of today: the
    time progress moves every day, so a unit can fall behind without any new import."""
    today = today or timezone.localdate()
    runs = []
    for congress in Congress.objects.order_by("pk"):  # a county and its townships: a few dozen
        if today.year in store.stored_years(congress.pk):
            runs.append(
                rules_run(
                    actor=None, congress=congress, year=today.year, as_of=today, trigger=RuleTrigger.SCHEDULE
                )
            )
    return runs


def rules_run(
    *,
    actor: User | None,
    congress: Congress,
    year: int,
    as_of: dt.date | None = None,
    trigger: RuleTrigger = RuleTrigger.MANUAL,
    payment_import: PaymentImport | None = None,
    codes: Sequence[str] | None = None,
) -> RuleRun:
    """Run the rule library over a congress's payments of ``year``: new findings become alerts;
    findings already alerted update their records; nothing is closed because its cause is gone."""
    as_of = as_of or default_as_of(year)
    if as_of.year != year:
        raise ValidationError(_("The as-of date must fall in the year checked."))
    specs = [RULES_BY_CODE[c] for c in codes] if codes else list(RULES)
    values, records = rule_values(congress)
    started = time.monotonic()
    con = store.connect()
    try:
        engine.prepare(
            con,
            congress_id=congress.pk,
            year=year,
            as_of=as_of,
            lines=lines_for_rules(congress, year),
            holidays=nonworkdays_of(year),
        )
        findings = engine.run_all(con, year=year, as_of=as_of, values_by_rule=values, rules=specs)
    finally:
        con.close()
    units = {u.code: u for u in BudgetUnit.objects.filter(congress=congress)}
    names = {code: u.name for code, u in units.items()}
    now = timezone.now()
    with transaction.atomic():
        rule_rows = alert_rule_rows()
        existing = {
            (a.rule_id, a.key): a
            for a in Alert.objects.select_for_update().filter(
                congress=congress, year=year, rule__code__in=[s.code for s in specs]
            )
        }
        created: dict[str, int] = {}
        seen: set[int] = set()
        new_alerts, changed = [], []
        for spec in specs:
            rule = rule_rows[spec.code]
            created[spec.code] = 0
            for f in findings[spec.code]:
                fields = {
                    "unit": units.get(f.unit_code or ""),
                    "title": alert_title(spec, f, names),
                    "amount": f.amount,
                    "records": f.vouchers[: Alert.RECORDS_KEPT],
                    "record_count": max(f.record_count, len(f.vouchers)),
                    "detail": _jsonable(f.detail),
                    "settings_used": records[spec.code],
                    "last_seen_at": now,
                    "still_found": True,
                }
                alert = existing.get((rule.pk, f.key))
                if alert is None:
                    new_alerts.append(
                        Alert(
                            congress=congress,
                            rule=rule,
                            year=year,
                            key=f.key,
                            severity=spec.severity,
                            **fields,
                        )
                    )
                    created[spec.code] += 1
                else:
                    seen.add(alert.pk)
                    for name, value in fields.items():
                        setattr(alert, name, value)
                    changed.append(alert)
        Alert.objects.bulk_create(new_alerts, batch_size=500)
        Alert.objects.bulk_update(
            changed,
            [
                "unit",
                "title",
                "amount",
                "records",
                "record_count",
                "detail",
                "settings_used",
                "last_seen_at",
                "still_found",
            ],
            batch_size=500,
        )
        gone = [a.pk for a in existing.values() if a.pk not in seen]
        Alert.objects.filter(pk__in=gone).update(still_found=False)
        run = RuleRun.objects.create(
            congress=congress,
            year=year,
            as_of=as_of,
            trigger=trigger,
            payment_import=payment_import,
            seconds=round(time.monotonic() - started, 3),
            found={c: len(f) for c, f in findings.items()},
            created=created,
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit_log(
            actor=actor,
            action="budget.rules_run",
            congress=congress,
            obj=run,
            payload={
                "year": year,
                "as_of": as_of,
                "trigger": trigger,
                "created": created,
                "no_longer_found": len(gone),
            },
        )
    return run


def _locked_alert(alert: Alert, *expected: str) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status not in expected:
        raise ValidationError(_("This alert is no longer in a state that allows this step."))
    return locked


def _log_alert(actor: User, alert: Alert, action: str, payload: dict[str, Any]) -> None:
    audit_log(
        actor=actor,
        action=f"budget.alert_{action}",
        congress=alert.congress,
        obj=alert,
        payload={"rule": alert.rule.code, "key": alert.key, **payload},
    )


def alert_dismiss(*, actor: User, alert: Alert, reason: str) -> Alert:
    """Review found the alert explained (e.g. an approved exception): closed with the reason."""
    if not reason.strip():
        raise ValidationError(_("Please give the reason for dismissing the alert."))
    with transaction.atomic():
        locked = _locked_alert(alert, AlertStatus.NEW)
        locked.status, locked.resolution, locked.closed_at = (
            AlertStatus.DISMISSED,
            reason.strip(),
            timezone.now(),
        )
        locked.save(update_fields=["status", "resolution", "closed_at"])
        _log_alert(actor, locked, "dismiss", {"reason": reason.strip()})
    return locked


def alert_request_explanation(
    *, actor: User, alert: Alert, recipient: str, question: str, due_date: dt.date
) -> Alert:
    """Send the alert to the finance bureau or the unit for a written explanation by ``due_date``."""
    if not recipient.strip() or not question.strip():
        raise ValidationError(_("Please say whom you ask and what you ask."))
    if due_date < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."))
    with transaction.atomic():
        locked = _locked_alert(alert, AlertStatus.NEW)
        locked.status = AlertStatus.EXPLANATION_REQUESTED
        locked.recipient, locked.question, locked.due_date = recipient.strip(), question.strip(), due_date
        locked.save(update_fields=["status", "recipient", "question", "due_date"])
        _log_alert(
            actor, locked, "request_explanation", {"recipient": locked.recipient, "due_date": due_date}
        )
    return locked


def alert_answer(*, actor: User, alert: Alert, answer: str) -> Alert:
    """Record the explanation received from the finance bureau or the unit."""
    if not answer.strip():
        raise ValidationError(_("Please enter the explanation received."))
    with transaction.atomic():
        locked = _locked_alert(alert, AlertStatus.EXPLANATION_REQUESTED)
        locked.status, locked.answer, locked.answered_at = (
            AlertStatus.ANSWERED,
            answer.strip(),
            timezone.now(),
        )
        locked.save(update_fields=["status", "answer", "answered_at"])
        late = locked.due_date is not None and timezone.localdate() > locked.due_date
        _log_alert(actor, locked, "answer", {"late": late})
    return locked


def alert_close(*, actor: User, alert: Alert, resolution: str) -> Alert:
    """Close after the explanation (and an on-site check if one was needed), recording the outcome."""
    if not resolution.strip():
        raise ValidationError(_("Please record the outcome."))
    with transaction.atomic():
        locked = _locked_alert(alert, AlertStatus.ANSWERED)
        locked.status, locked.resolution, locked.closed_at = (
            AlertStatus.CLOSED,
            resolution.strip(),
            timezone.now(),
        )
        locked.save(update_fields=["status", "resolution", "closed_at"])
        _log_alert(actor, locked, "close", {"resolution": resolution.strip()})
    return locked
